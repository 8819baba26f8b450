#!/bin/sh
# tests/attack.sh — compiled programs under attack, as a hostile user or hostile input
# would try them (issue #15): one section per attack, each with the programs it needs
# in tests/attack/ and ending in ok or bad lines.  A section that needs a long time to
# fail says why in its comment; none depends on timing when it passes.
cd "$(dirname "$0")/.." && . tests/lib.sh
a="$work/attack"; mkdir -p "$a"

# build NAME: tests/attack/NAME.actor -> $a/NAME (a failure to build is one failure)
build() {
  if "$ACTORC" build "tests/attack/$1.actor" -o "$a/$1" >"$work/build.out" 2>&1; then return 0; fi
  bad "tests/attack/$1.actor: build failed"; head -10 "$work/build.out" | sed 's/^/  | /'; return 1
}

# ---- options: a bad ACTOR_* value stops the program before it starts ------------------
# One line naming the variable and what it accepts, status 2, nothing run (Main would
# print); good values and empty ones (unset) run it.
printf 'actor Main { on start() { print("ran") } }\n' >"$a/hello.actor"
if "$ACTORC" build "$a/hello.actor" -o "$a/hello" >"$work/build.out" 2>&1; then
  for case in "ACTOR_THREADS=abc|a whole number from 1 to 1024" "ACTOR_THREADS=0|a whole number from 1 to 1024" \
    "ACTOR_THREADS=-3|a whole number from 1 to 1024" "ACTOR_THREADS=4096|a whole number from 1 to 1024" \
    "ACTOR_CORES=two|a whole number from 1 to 1024" "ACTOR_SCHED_SEED=abc|a whole number from 0 to 18446744073709551615" \
    "ACTOR_SCHED_SEED=18446744073709551616|a whole number from 0 to 18446744073709551615" \
    "ACTOR_SEED=-1|a whole number from 0 to 18446744073709551615" "ACTOR_STATS=yes|0, 1 or json" "ACTOR_STATS=JSON|0, 1 or json" \
    "ACTOR_TRACE_FILTER=Main|used with ACTOR_TRACE (the file to write)"; do
    setting=${case%%|*} accepts=${case#*|} var=${case%%=*} value=${setting#*=}
    env "$setting" "$a/hello" >"$work/out" 2>"$work/err"; st=$?
    want="actor runtime: $var must be $accepts, not \"$value\""
    if [ $st = 2 ] && [ ! -s "$work/out" ] && [ "$(cat "$work/err")" = "$want" ]; then ok; else
      bad "options: $setting: status $st, stdout '$(head -c 40 "$work/out")', stderr '$(head -c 200 "$work/err")'"; fi
  done
  for setting in ACTOR_THREADS=3 ACTOR_THREADS= ACTOR_CORES=1 ACTOR_SCHED_SEED=18446744073709551615 ACTOR_SEED=0 \
    ACTOR_STATS=0 ACTOR_STATS=1 ACTOR_STATS=json ACTOR_TRACE=/dev/null; do
    out=$(env "$setting" "$a/hello" 2>/dev/null); st=$?
    if [ $st = 0 ] && [ "$out" = ran ]; then ok; else bad "options: $setting: status $st, output '$out'"; fi
  done
else
  bad "options: hello does not build"
fi

# ---- output latency: a line printed while every worker is busy arrives at once ---------
# Before, stdout was written only when a worker parked (or 64 KiB filled): the line
# came 3 s late.
if build latency; then
  for n in $THREADS; do
    if ACTOR_THREADS=$n timeout 60 python3 tests/attack/latency.py "$a/latency" "$n" >"$work/out" 2>&1; then ok; else
      bad "output latency (threads=$n): $(cat "$work/out")"; fi
  done
fi

# ---- output order: stdout lines come before a later stderr report in the same file ---
if build order; then
  for n in $THREADS; do
    ACTOR_THREADS=$n timeout 60 "$a/order" >"$work/both" 2>&1
    if sed 's/ at .*: / at POS: /' "$work/both" | diff - tests/attack/order.both >"$work/diff"; then ok; else
      bad "output order (threads=$n): stdout and stderr interleaved wrongly"; sed 's/^/  | /' "$work/diff"; fi
  done
fi

# ---- colliding keys: names crafted to collide under an unkeyed hash -------------------
# 100,000 room names that all had one hash before the hash was keyed per process: each
# insert then probed every earlier name (about 40 s, against 0.03 s for random names;
# the timeout is what fails without the fix).
if build colliding; then
  python3 tests/attack/colliding.py 100000 "$a/names"
  out=$(timeout 15 "$a/colliding" "$a/names" 2>&1); st=$?
  if [ $st = 0 ] && [ "$out" = 100000 ]; then ok; else bad "colliding keys: status $st (124: too slow), output '$out'"; fi
fi

# ---- FIFOs: write_file to a FIFO, with no reader or with one that goes away ----------
# Before: with no reader open() blocked a scheduler thread for ever (with one thread,
# timers too: the timeout fails it); with a reader that goes away the write killed the
# process by SIGPIPE (status 141, no message).  Now refused as not a regular file.
if build fifo; then
  mkfifo "$a/pipe"
  for n in 1 $THREADS; do
    ACTOR_THREADS=$n timeout 20 "$a/fifo" "$a/pipe" >"$work/out" 2>"$work/err"; st=$?
    if [ $st = 1 ] && [ "$(sort "$work/out" | tr '\n' '|')" = "timer fired|write_file(\"$a/pipe\"): not a regular file|" ]; then ok; else
      bad "fifo without a reader (threads=$n): status $st, output '$(cat "$work/out")'"; fi
  done
  head -c 1 "$a/pipe" >/dev/null & reader=$!
  ACTOR_THREADS=1 timeout 20 "$a/fifo" "$a/pipe" >"$work/out" 2>"$work/err"; st=$?
  kill $reader 2>/dev/null; wait $reader 2>/dev/null
  if [ $st = 1 ] && grep -q "not a regular file" "$work/out"; then ok; else
    bad "fifo with a reader that goes away: status $st, output '$(cat "$work/out")'"; fi
fi

# ---- deep JSON: nesting from outside, parsed at a normal depth and deep in a recursion
# Before, the parser's own recursion (up to 1000 levels) went past the stack's reserve
# when called deep in a recursion, and the process died of SIGSEGV (status 139).
if build deep_json; then
  python3 -c "import sys; open(sys.argv[1], 'w').write('[' * 999 + ']' * 999)" "$a/arrays"
  python3 -c "import sys; open(sys.argv[1], 'w').write('[' * 1000000)" "$a/million"
  python3 -c "import sys; open(sys.argv[1], 'w').write('{\"k\":' * 999 + '1' + '}' * 999)" "$a/objects"
  timeout 120 "$a/deep_json" "$a/arrays" "$a/million" "$a/objects" >"$work/out" 2>"$work/err"; st=$?
  if [ $st = 1 ] && diff tests/attack/deep_json.out "$work/out" >"$work/diff"; then ok; else
    bad "deep JSON: status $st"; sed 's/^/  | /' "$work/diff" | head -10; head -3 "$work/err"; fi
fi

# ---- runaway recursion, whatever `ulimit -s` says -----------------------------------
# The actor stack has the runtime's size on every worker (worker 0 ran on the main
# thread, whose stack follows the rlimit: under `unlimited` a runaway recursion grew
# until the address space ran out -- 24 GB without the -v limit here -- and SIGSEGV).
# The same depth is reached under every limit.
if build runaway; then
  for s in unlimited 8192 1024; do
    (ulimit -s $s && ulimit -v 4000000 && ACTOR_THREADS=1 timeout 120 "$a/runaway" >"$work/out" 2>"$work/err"); st=$?
    [ $s = unlimited ] && cp "$work/out" "$work/first"
    if [ $st = 1 ] && [ "$(head -1 "$work/out")" = "diver: stack overflow" ] && cmp -s "$work/out" "$work/first"; then ok; else
      bad "runaway recursion (ulimit -s $s): status $st, output '$(cat "$work/out" | tr '\n' '|')' (unlimited: '$(cat "$work/first" | tr '\n' '|')')"; fi
  done
fi

tally attack
