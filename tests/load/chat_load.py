#!/usr/bin/env python3
"""chat_load.py BINARY — the chat server under load (make test, part "load").

Starts the compiled server (samples/chat) and runs two rounds.  In a round CLIENTS
clients connect at once (1000 by default: 1000 concurrent connections), take a name
and join one of ROOMS rooms (10: 100 members each); once everyone is in, each sends
MESSAGES lines, all at once.  Every client checks what it receives: every message of
every other member of its room exactly once, in the order its sender sent it (a
sequence number per sender), and nothing from anyone else.  Then all send /quit, wait
for "* bye" and the end of the connection, and the server's memory is read.

Memory: VmRSS from /proc/PID/status once the server has settled after each round
(the runtime's I/O thread gives freed memory back to the system when the network has
been quiet for a moment).  The first round grows the heap, the pools and the handle
table to their working size; the second reuses them.  "Flat" means round 2 left the
server within TOLERANCE of round 1: rss2 <= rss1 + max(2 MiB, 10% of rss1).  A leak
of one byte per message (2 * 10^6 lines a round) or a kilobyte per connection would
add more than that; here the two stay within 0.4 MiB of each other (about 3.5 MiB
each), and 25 rounds in a row stay within 1 MiB.  The server's open descriptors must
also come back to what they were before the first client connected.

Prints one line per round and a summary; exit status 0 when everything held.
Options: --clients N --rooms N --messages N --rounds N --threads N (ACTOR_THREADS
for the server)."""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import chatlib

TOLERANCE_KB = 2048
TOLERANCE_FRACTION = 0.10


def run_round(port, clients, rooms, messages, deadline_s=60.0, log=print):
    """One round; returns a dict of numbers, with 'errors' (a list of strings)."""
    room_of = [i % rooms for i in range(clients)]
    members = [[j for j in range(clients) if room_of[j] == r] for r in range(rooms)]
    names = [("c%d" % i).encode() for i in range(clients)]
    index = {names[i]: i for i in range(clients)}
    room_tag = [("[room%d]" % r).encode() for r in range(rooms)]
    joined = [False] * clients
    njoined = [0]
    bye = [False] * clients
    nbye = [0]
    # next expected sequence number, per receiver, per sender index
    nexts = [dict() for _ in range(clients)]
    received = [0]
    errors = []
    expect_each = [(len(members[room_of[i]]) - 1) * messages for i in range(clients)]
    expect_total = sum(expect_each)
    got = [0] * clients

    def on_line(i, ln):
        if ln[:1] == b"[":
            # b"[room3] c13: 7"
            parts = ln.split(b" ")
            if len(parts) != 3 or parts[0] != room_tag[room_of[i]]:
                errors.append("client %d got %r (not its room's)" % (i, ln))
                return
            s = index.get(parts[1][:-1])
            if s is None or s == i or room_of[s] != room_of[i]:
                errors.append("client %d got %r (a sender not in its room)" % (i, ln))
                return
            seq = int(parts[2])
            want = nexts[i].get(s, 0)
            if seq != want:
                errors.append("client %d got message %d of %s, expected %d (%s)" %
                              (i, seq, names[s].decode(), want, "duplicate or reordered" if seq < want else "lost"))
            nexts[i][s] = seq + 1
            got[i] += 1
            received[0] += 1
        elif ln == b"* joined room%d" % room_of[i]:
            joined[i] = True
            njoined[0] += 1
        elif ln == b"* bye":
            bye[i] = True
            nbye[0] += 1
        elif ln.startswith(b"* "):
            pass  # "* you are cN", "* cN joined roomK", "* cN left roomK"
        else:
            errors.append("client %d got %r" % (i, ln))

    t0 = time.monotonic()
    deadline = t0 + deadline_s
    swarm = chatlib.Swarm(port, clients, on_line)
    t_connected = time.monotonic()
    for i in range(clients):
        swarm.send(i, b"/nick %s\n/join room%d\n" % (names[i], room_of[i]))
    if not swarm.run_until(lambda: njoined[0] == clients, deadline):
        errors.append("only %d of %d clients joined in time" % (njoined[0], clients))
    t_joined = time.monotonic()

    # everyone is in: every client sends all its messages at once
    for i in range(clients):
        swarm.send(i, b"".join(b"%d\n" % k for k in range(messages)))
    if not swarm.run_until(lambda: received[0] >= expect_total or errors, deadline):
        errors.append("%d of %d messages delivered in time" % (received[0], expect_total))
    t_sent = time.monotonic()

    for i in range(clients):
        swarm.send(i, b"/quit\n")
    if not swarm.run_until(lambda: swarm.open == 0, deadline):
        errors.append("%d clients not closed in time (%d got * bye)" % (swarm.open, nbye[0]))
    t_done = time.monotonic()
    swarm.close()

    if not errors:
        for i in range(clients):
            if got[i] != expect_each[i] or not bye[i]:
                errors.append("client %d: %d of %d messages, bye %s" % (i, got[i], expect_each[i], bye[i]))
                break
    return {
        "errors": errors[:10],
        "delivered": received[0],
        "connect_s": t_connected - t0,
        "join_s": t_joined - t_connected,
        "deliver_s": t_sent - t_joined,
        "quit_s": t_done - t_sent,
        "total_s": t_done - t0,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--rooms", type=int, default=10)
    ap.add_argument("--messages", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()

    limit = chatlib.raise_nofile()
    if limit < a.clients + 64:
        print("chat load: only %d descriptors allowed; %d clients need more" % (limit, a.clients))
        return 1
    env = dict(os.environ)
    if a.threads:
        env["ACTOR_THREADS"] = str(a.threads)
    t0 = time.monotonic()
    proc, port = chatlib.start_server(a.binary, env)
    pid = proc.pid
    fds0 = chatlib.open_fds(pid)
    rss0 = chatlib.settle_rss(pid, 0.1, 3)
    ok = True
    rss = []
    for r in range(a.rounds):
        res = run_round(port, a.clients, a.rooms, a.messages)
        rss.append(chatlib.settle_rss(pid))
        fds = chatlib.open_fds(pid)
        rate = res["delivered"] / res["deliver_s"] if res["deliver_s"] > 0 else 0
        print("chat load round %d: %d clients in %d rooms, %d messages each: %d delivered in %.2f s "
              "(%.0f/s); connect %.2f s, join %.2f s, quit %.2f s; server RSS %d KiB, %d descriptors (%d before)"
              % (r + 1, a.clients, a.rooms, a.messages, res["delivered"], res["deliver_s"], rate,
                 res["connect_s"], res["join_s"], res["quit_s"], rss[-1], fds, fds0))
        for e in res["errors"]:
            print("  " + e)
            ok = False
        if fds != fds0:
            print("  the server has %d descriptors open after the round, %d before" % (fds, fds0))
            ok = False
        if proc.poll() is not None:
            print("  the server ended (status %s)" % proc.returncode)
            ok = False
            break
    if ok and len(rss) >= 2:
        limit_kb = rss[0] + max(TOLERANCE_KB, int(TOLERANCE_FRACTION * rss[0]))
        flat = all(x <= limit_kb for x in rss[1:])
        print("chat load memory: RSS %d KiB at start, %s KiB after the rounds (limit %d KiB): %s"
              % (rss0, " / ".join(str(x) for x in rss), limit_kb, "flat" if flat else "GROWS"))
        ok = ok and flat
    err = chatlib.stop_server(proc)
    if err.strip():
        print("chat load: the server wrote to stderr:\n" + err[:2000])
        ok = False
    print("chat load: %s in %.1f s" % ("ok" if ok else "FAILED", time.monotonic() - t0))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
