#!/bin/sh
# tests/golden.sh — golden programs: each tests/run/NAME.actor is built and run at every
# thread count of $THREADS; what it prints must be NAME.out (and NAME.status, NAME.stderr
# ... as run_case in tests/lib.sh describes).  Then tests/formats/check.py: the formats
# of interpolation give what Python's format() does.
cd "$(dirname "$0")/.." && . tests/lib.sh
for src in tests/run/*.actor; do
  run_case tests/run "$(basename "$src" .actor)"
done
# formats in interpolation against Python's format(), over every combination
if python3 tests/formats/check.py "$ACTORC" "$work" >"$work/formats.out" 2>&1; then ok; else
  bad "tests/formats/check.py: formats differ from Python's"; sed 's/^/  | /' "$work/formats.out" | head -30
fi
tally golden
