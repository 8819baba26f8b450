#!/bin/sh
# tests/debug.sh — debug information: a program built with -g stops in gdb at an .actor
# line, with .actor frames in the backtrace and the source line shown; inside match arms
# too, and at a line inside an init block.
cd "$(dirname "$0")/.." && . tests/lib.sh
if ! command -v gdb >/dev/null 2>&1; then
  bad "debug: gdb is not installed (scripts/install-deps.sh installs it)"
elif "$ACTORC" build samples/ring.actor -g -O0 -o "$work/ring_g" >"$work/err" 2>&1; then
  line=$(grep -n 'print("node {id}' samples/ring.actor | cut -d: -f1)
  gdb -batch -ex "break ring.actor:$line" -ex run -ex bt -ex "info source" --args "$work/ring_g" 5 7 >"$work/gdb.out" 2>&1
  if grep -q "Breakpoint 1, Node.on.token .* at .*ring.actor:$line" "$work/gdb.out" &&
     grep -q "Node.dispatch .* at .*ring.actor" "$work/gdb.out" &&
     grep -q "print(\"node {id}" "$work/gdb.out"; then ok; else
    bad "debug: gdb did not stop at ring.actor:$line with an .actor backtrace and source"; sed 's/^/  | /' "$work/gdb.out" | head -20; fi
else
  bad "debug: build -g failed"; head -5 "$work/err" | sed 's/^/  | /'
fi
# inside match arms: a statement of a block arm, and an arm that is one expression
if command -v gdb >/dev/null 2>&1; then
  if "$ACTORC" build tests/run/match.actor -g -O0 -o "$work/match_g" >"$work/err" 2>&1; then
    for pat in 'print("{w} {cur}")' 'Num(0) => "zero"'; do
      line=$(grep -nF "$pat" tests/run/match.actor | head -1 | cut -d: -f1)
      gdb -batch -ex "break match.actor:$line" -ex run -ex bt --args "$work/match_g" >"$work/gdb.out" 2>&1
      if grep -q "Breakpoint 1, .* at .*match.actor:$line" "$work/gdb.out"; then ok; else
        bad "debug: gdb did not stop in the match arm at match.actor:$line ($pat)"; sed 's/^/  | /' "$work/gdb.out" | head -20; fi
    done
  else
    bad "debug: build -g of tests/run/match.actor failed"; head -5 "$work/err" | sed 's/^/  | /'
  fi
fi
# a line inside an init block (§11), the last of its function: not the landing pad's
if command -v gdb >/dev/null 2>&1; then
  if "$ACTORC" build tests/run/init_blocks.actor -g -O0 -o "$work/init_g" >"$work/err" 2>&1; then
    line=$(grep -n 'seen.push("not returned")' tests/run/init_blocks.actor | cut -d: -f1)
    gdb -batch -ex "break init_blocks.actor:$line" -ex run -ex bt --args "$work/init_g" >"$work/gdb.out" 2>&1
    if grep -q "Breakpoint 1, Worker.init .* at .*init_blocks.actor:$line" "$work/gdb.out"; then ok; else
      bad "debug: gdb did not stop at init_blocks.actor:$line, inside an init block"; sed 's/^/  | /' "$work/gdb.out" | head -20; fi
  else
    bad "debug: build -g of init_blocks failed"; head -5 "$work/err" | sed 's/^/  | /'
  fi
fi
tally debug
