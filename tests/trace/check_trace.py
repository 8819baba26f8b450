#!/usr/bin/env python3
"""check_trace.py TRACE.json [options] -- checks an ACTOR_TRACE file (docs/runtime.md,
"Seeing what the actors do").  Exits 0 when it holds, else prints what does not and
exits 1.

It reads the file as Perfetto's importer does: the JSON array form of the Trace Event
Format, whose closing bracket may be missing (a trace cut short); with --cut, a partial
last line (an event cut in the middle by SIGKILL) is dropped too.  Then:

  * the first event names the process; every event but metadata has a phase among
    X (slices), i (instants), C (counters), the one pid, a tid with a thread_name,
    and a time >= 0; slices have a duration >= 0;
  * on each thread's track, slices and instants have times of their own, and slices
    nest (each lies within the one around it, or after it): every slice is on one
    track and within the run;
  * flows: each bind_id has at most one start (a "send" slice, flow_out) and one end
    (a handler's slice or a dead letter, flow_in, of the actor the send names); every
    end has its start, earlier; every start has its end (unless --partial: a program
    ended by exit() or a signal leaves messages in flight);
  * each failure instant lies within a slice of the failing actor on its track.

Options:
  --cut            the file may end in the middle of an event (SIGKILL)
  --open           the closing bracket may be missing (implied by --cut)
  --partial        flows may lack their end
  --kinds A,B      every event about an actor is about one of these kinds
  --expect CAT     an event of this category exists (spawn, failure, restart, stop,
                   end, down, dead letter, give up, exit, SIGTERM, send ...); repeatable
  --expect-slice RE  a handler slice whose name matches RE exists; repeatable
  --min-slices N   at least N handler slices
"""
import json
import re
import sys


def load(path, cut, open_ok):
    text = open(path, encoding="utf-8").read()
    try:
        return json.loads(text), True
    except ValueError:
        pass
    if not (open_ok or cut):
        raise SystemExit(f"{path}: not valid JSON (and the trace should be closed)")
    try:
        return json.loads(text + "\n]"), False
    except ValueError:
        if not cut:
            raise SystemExit(f"{path}: not valid JSON, even with its closing bracket added")
    lines = text.split("\n")
    try:
        return json.loads("\n".join(lines[:-1]) + "\n]"), False
    except ValueError as e:
        raise SystemExit(f"{path}: not valid JSON even without its last line: {e}")


def actor_of(e):
    """The actor an event is about: its args' "actor", or the Kind#N in its name
    ("Kind#N handler", "send Kind#N handler", "dead letter Kind#N handler")."""
    who = (e.get("args") or {}).get("actor")
    if who:
        return who
    m = re.search(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*#\d+)(?:\s|$)", e.get("name", ""))
    return m.group(1) if m else None


def main(argv):
    path = argv[0]
    opts = {"cut": False, "open": False, "partial": False, "kinds": None, "expect": [], "slices": [], "min": 0}
    i = 1
    while i < len(argv):
        a = argv[i]
        if a in ("--cut", "--open", "--partial"):
            opts[a[2:]] = True
        elif a == "--kinds":
            i += 1
            opts["kinds"] = set(argv[i].split(","))
        elif a == "--expect":
            i += 1
            opts["expect"].append(argv[i])
        elif a == "--expect-slice":
            i += 1
            opts["slices"].append(argv[i])
        elif a == "--min-slices":
            i += 1
            opts["min"] = int(argv[i])
        else:
            raise SystemExit(f"check_trace.py: unknown option {a}")
        i += 1

    events, closed = load(path, opts["cut"], opts["open"])
    errors = []

    def err(msg):
        if len(errors) < 20:
            errors.append(msg)

    if not isinstance(events, list) or not events:
        raise SystemExit(f"{path}: not a non-empty array of events")
    first = events[0]
    if first.get("ph") != "M" or first.get("name") != "process_name":
        err("the first event does not name the process")
    pid = first.get("pid")
    names = {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            names[e["tid"]] = e["args"]["name"]

    tracks = {}
    cats = set()
    flow_out, flow_in = {}, {}
    slices = []
    failures = []
    for e in events:
        ph = e.get("ph")
        if ph == "M":
            continue
        if ph not in ("X", "i", "C"):
            err(f"an event of phase {ph!r}: {e}")
            continue
        if e.get("pid") != pid:
            err(f"an event of another process: {e}")
        tid = e.get("tid")
        if tid not in names:
            err(f"tid {tid} has no thread_name: {e}")
        ts = e.get("ts")
        if not isinstance(ts, (int, float)) or ts < 0:
            err(f"a bad time: {e}")
            continue
        if ph == "C":
            if not isinstance(e.get("args"), dict) or not e["args"]:
                err(f"a counter without a value: {e}")
            continue
        cats.add(e.get("cat"))
        dur = e.get("dur", 0) if ph == "X" else 0
        if not isinstance(dur, (int, float)) or dur < 0:
            err(f"a bad duration: {e}")
            continue
        # nanoseconds, exactly (the file has three decimals of microseconds)
        ev = (round(ts * 1000), round((ts + dur) * 1000), e)
        tracks.setdefault(tid, []).append(ev)
        if ph == "X" and e.get("cat") == "actor":
            slices.append(e)
        if ph == "i" and e.get("cat") == "failure":
            failures.append(ev)
        if "bind_id" in e:
            fid = e["bind_id"]
            if e.get("flow_out"):
                if fid in flow_out:
                    err(f"flow {fid} starts twice")
                flow_out[fid] = e
            if e.get("flow_in"):
                if fid in flow_in:
                    err(f"flow {fid} ends twice")
                flow_in[fid] = e
        kinds = opts["kinds"]
        if kinds is not None:
            who = actor_of(e)
            if who and who.split("#")[0] not in kinds:
                err(f"an event about {who}, not one of {sorted(kinds)}: {e['name']}")

    # Each track: times of their own; slices nest.
    for tid, evs in tracks.items():
        seen = {}
        for t0, t1, e in evs:
            if t0 in seen:
                err(f"track {names.get(tid)}: two events at {e['ts']}: {seen[t0]['name']} and {e['name']}")
            seen[t0] = e
        evs = sorted(evs, key=lambda x: (x[0], -x[1]))
        stack = []
        for t0, t1, e in evs:
            while stack and stack[-1][1] <= t0:
                stack.pop()
            if stack and t1 > stack[-1][1]:
                err(f"track {names.get(tid)}: {e['name']} at {e['ts']} overlaps {stack[-1][2]['name']} "
                    f"({stack[-1][2]['ts']}+{stack[-1][2].get('dur')}) without lying inside it")
            stack.append((t0, t1, e))

    # Flows.
    for fid, end in flow_in.items():
        start = flow_out.get(fid)
        if start is None:
            err(f"flow {fid} ends at {end['name']} without a start")
            continue
        if not start["ts"] < end["ts"]:
            err(f"flow {fid} ends ({end['ts']}) before it starts ({start['ts']})")
        if actor_of(start) != actor_of(end):
            err(f"flow {fid}: sent to {actor_of(start)}, ends at {actor_of(end)}")
    if not opts["partial"]:
        for fid, start in flow_out.items():
            if fid not in flow_in:
                err(f"flow {fid} ({start['name']} at {start['ts']}) has no end")
    for e in list(flow_out.values()):
        if e.get("cat") != "send":
            err(f"a flow starts at {e['name']}, not a send")

    # A failure lies within the failing actor's slice.
    for t0, t1, f in failures:
        who = f["args"].get("actor")
        if not who:
            continue
        inside = [e for (s0, s1, e) in tracks[f["tid"]]
                  if e.get("cat") == "actor" and e.get("ph") == "X" and actor_of(e) == who and s0 < t0 < s1]
        if not inside:
            err(f"the failure of {who} at {f['ts']} is in none of its slices")

    for c in opts["expect"]:
        if c not in cats:
            err(f"no event of category {c!r} (there are: {sorted(x for x in cats if x)})")
    for r in opts["slices"]:
        if not any(re.fullmatch(r, s["name"]) for s in slices):
            err(f"no handler slice named like {r!r}")
    if len(slices) < opts["min"]:
        err(f"{len(slices)} handler slices, want at least {opts['min']}")

    if errors:
        for e in errors:
            print(f"{path}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
