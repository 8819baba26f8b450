"""latency.py PROGRAM THREADS: runs PROGRAM (tests/attack/latency.actor) with its
standard output on a pipe and checks that its first line, "started at T" (T its
now_ms(), CLOCK_MONOTONIC in ms), is read within 100 ms of T, while the program's
workers are all busy.  Prints the delay; exits 1 when it is too long."""
import subprocess
import sys
import time

prog, threads = sys.argv[1], sys.argv[2]
p = subprocess.Popen([prog, threads], stdout=subprocess.PIPE)
line = p.stdout.readline().decode()
now = time.clock_gettime(time.CLOCK_MONOTONIC) * 1000
p.stdout.read()
p.wait()
if not line.startswith("started at "):
    print(f"latency: unexpected first line {line!r}")
    sys.exit(1)
delay = now - int(line.split()[-1])
print(f"latency: the line arrived {delay:.1f} ms after it was printed")
sys.exit(0 if delay < 100 else 1)
