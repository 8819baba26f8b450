#!/bin/sh
# tests/golden.sh — golden programs: each tests/run/NAME.actor is built and run at every
# thread count of $THREADS; what it prints must be NAME.out (and NAME.status, NAME.stderr
# ... as run_case in tests/lib.sh describes).
cd "$(dirname "$0")/.." && . tests/lib.sh
for src in tests/run/*.actor; do
  run_case tests/run "$(basename "$src" .actor)"
done
tally golden
