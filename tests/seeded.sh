#!/bin/sh
# tests/seeded.sh — seeded scheduling (ACTOR_SCHED_SEED=N): a seed replays one
# interleaving and different seeds give different ones (tests/seeded/interleave.actor);
# more runnable actors than a worker's run queue holds still finish (many.actor); and
# every golden program gives its expected output under two seeds.
cd "$(dirname "$0")/.." && . tests/lib.sh
if "$ACTORC" build tests/seeded/interleave.actor -o "$work/interleave" >"$work/err" 2>&1; then
  same=1; : >"$work/seen"
  for seed in 1 2 3 4 5 6 7 8; do
    a=$(ACTOR_SCHED_SEED=$seed timeout 20 "$work/interleave"); b=$(ACTOR_SCHED_SEED=$seed timeout 20 "$work/interleave")
    [ "$a" = "$b" ] || { same=0; echo "  seed $seed: '$a' then '$b'"; }
    echo "$a" >>"$work/seen"
  done
  distinct=$(sort -u "$work/seen" | wc -l)
  if [ $same = 1 ] && [ "$distinct" -ge 2 ]; then ok; else bad "seeded: replay same=$same, $distinct distinct interleavings over 8 seeds"; fi
else
  bad "seeded: build failed"; head -5 "$work/err"
fi
# the seeded worker draws from the global queue too, and must finish
if "$ACTORC" build tests/seeded/many.actor -o "$work/many" >"$work/err" 2>&1; then
  for seed in 1 2 3; do
    out=$(ACTOR_SCHED_SEED=$seed timeout 20 "$work/many")
    if [ "$out" = "2000 answers, sum 1999000" ]; then ok; else bad "seeded: many.actor (seed $seed): '$out'"; fi
  done
else
  bad "seeded: many.actor: build failed"; head -5 "$work/err"
fi
saved_env=$RUN_ENV
for seed in 101 202; do
  THREADS=1 RUN_ENV="$saved_env ACTOR_SCHED_SEED=$seed"
  for src in tests/run/*.actor; do
    run_case tests/run "$(basename "$src" .actor)"
  done
done
tally seeded
