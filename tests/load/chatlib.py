"""chatlib.py — what the chat sample's tests share (tests/load/chat_transcript.py,
tests/load/chat_load.py, bench/chat_bench.py): starting the server on a port the
system picks, line-oriented clients, and the server's memory and descriptors from
/proc.  Python 3 standard library only."""

import os
import resource
import selectors
import socket
import subprocess
import time


def raise_nofile():
    """1000 clients need more than the usual 1024 descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def start_server(binary, env=None):
    """Starts the compiled chat server on port 0; returns (process, port)."""
    proc = subprocess.Popen([binary, "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    line = proc.stdout.readline().decode()  # "chat: listening on 127.0.0.1:PORT"
    if not line.startswith("chat: listening on "):
        proc.kill()
        raise RuntimeError("the server did not start: %r %r" % (line, proc.stderr.read()))
    return proc, int(line.rsplit(":", 1)[1])


def stop_server(proc):
    """Ends the server (it would serve for ever); returns what it wrote to stderr."""
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err.decode(errors="replace")


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def rss_kb(pid):
    return status_kb(pid, "VmRSS")


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def settle_rss(pid, wait=0.3, tries=10):
    """The RSS once it stops changing (the server frees what the clients left)."""
    last = rss_kb(pid)
    for _ in range(tries):
        time.sleep(wait)
        now = rss_kb(pid)
        if now == last:
            break
        last = now
    return last


class Client:
    """A blocking line client with a timeout (for transcripts)."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.got = []  # every line received, in order

    def send(self, *lines):
        self.sock.sendall(b"".join(l.encode() + b"\n" for l in lines))

    def line(self):
        """The next line, or None at the end of input."""
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        ln, self.buf = self.buf.split(b"\n", 1)
        text = ln.decode()
        self.got.append(text)
        return text

    def expect(self, want):
        got = self.line()
        if got != want:
            raise AssertionError("expected %r, got %r (all: %r)" % (want, got, self.got))

    def rest(self):
        """Every line until the server closes the connection."""
        lines = []
        while True:
            ln = self.line()
            if ln is None:
                return lines
            lines.append(ln)

    def close(self):
        self.sock.close()


class Swarm:
    """Many non-blocking clients driven by one selector: the load test's and the
    benchmark's.  on_line(client_index, line_bytes) is called for every line."""

    def __init__(self, port, n, on_line):
        self.sel = selectors.DefaultSelector()
        self.socks = []
        self.bufs = [b""] * n
        self.pending = [b""] * n  # output not yet taken by the socket
        self.open = n
        self.eof = [False] * n
        self.on_line = on_line
        for i in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.socks.append(s)
            self.sel.register(s, selectors.EVENT_READ, i)

    def send(self, i, data):
        """Queues bytes for client i (written as the socket takes them)."""
        if self.pending[i]:
            self.pending[i] += data
            return
        try:
            k = self.socks[i].send(data)
        except BlockingIOError:
            k = 0
        if k < len(data):
            self.pending[i] = data[k:]
            self.sel.modify(self.socks[i], selectors.EVENT_READ | selectors.EVENT_WRITE, i)

    def poll(self, timeout):
        for key, ev in self.sel.select(timeout):
            i = key.data
            s = self.socks[i]
            if ev & selectors.EVENT_WRITE and self.pending[i]:
                try:
                    k = s.send(self.pending[i])
                except BlockingIOError:
                    k = 0
                self.pending[i] = self.pending[i][k:]
                if not self.pending[i]:
                    self.sel.modify(s, selectors.EVENT_READ, i)
            if ev & selectors.EVENT_READ:
                try:
                    data = s.recv(1 << 18)
                except (BlockingIOError, InterruptedError):
                    continue
                except ConnectionResetError:
                    data = b""
                if not data:
                    self.sel.unregister(s)
                    self.eof[i] = True
                    self.open -= 1
                    continue
                buf = self.bufs[i] + data
                lines = buf.split(b"\n")
                self.bufs[i] = lines.pop()
                on_line = self.on_line
                for ln in lines:
                    on_line(i, ln)

    def run_until(self, done, deadline):
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.poll(min(left, 0.5))
        return True

    def close(self):
        for s in self.socks:
            try:
                self.sel.unregister(s)
            except (KeyError, ValueError):
                pass
            s.close()
        self.sel.close()
