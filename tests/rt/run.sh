#!/bin/sh
# run.sh BIN... — runs each runtime unit test with ACTOR_THREADS=1, 2 and 8, and 8 with
# ACTOR_CORES=1 (or the counts in $RT_THREADS), prints each run's summary line, and ends with one
# "test-rt: N passed, N failed" line counting runs.  A run that exits non-zero or
# takes longer than $RT_TIMEOUT seconds (default 300) fails.
pass=0
fail=0
for bin in "$@"; do
  for t in ${RT_THREADS:-1 2 8 8:1}; do
    # N:C is N threads told there are C cores (ACTOR_CORES): the scheduler keeps only
    # C workers awake unless the watch finds them stuck
    c=${t#*:}; [ "$c" = "$t" ] && c=
    out=$(ACTOR_THREADS=${t%%:*} ACTOR_CORES=$c timeout "${RT_TIMEOUT:-300}" "$bin" 2>&1)
    rc=$?
    line=$(printf '%s\n' "$out" | grep -E '^test_[a-z_]+: [0-9]+ passed, [0-9]+ failed' | tail -1)
    if [ $rc -eq 0 ]; then
      pass=$((pass + 1))
      echo "ok   [threads=$t] ${line:-$(basename "$bin")}"
    else
      fail=$((fail + 1))
      echo "FAIL [threads=$t] $(basename "$bin") (exit $rc)"
      printf '%s\n' "$out" | tail -40 | sed 's/^/    /'
    fi
  done
done
echo "test-rt: $pass passed, $fail failed"
[ $fail -eq 0 ]
