#!/bin/sh
# tests/memory.sh — supervisors that end are freed.  tests/run/sup_end.actor spawns
# supervisors in waves of 10000, each with a child that works and stops; a wave starts
# when the last one's supervisors have all ended.  Its peak RSS (measured by
# tests/limits/peak_rss.c) must not grow with the number of sessions: with 200000 it
# must stay within 3 MiB of its peak with 20000 when malloc has one arena
# (MALLOC_ARENA_MAX=1: what the runtime itself keeps), and within 4 MiB a thread with
# glibc's default per-thread arenas (each keeps up to a wave's worth of freed blocks for
# reuse: a plateau reached after a few waves).  Before supervisors ended (and were
# freed), 200000 sessions took about 120 MiB more than 20000.
cd "$(dirname "$0")/.." && . tests/lib.sh
if ${CC:-cc} -O2 -o "$work/peak_rss" tests/limits/peak_rss.c >"$work/build.out" 2>&1 &&
   "$ACTORC" build tests/run/sup_end.actor -o "$work/sup_end" >"$work/build.out" 2>&1; then
  for n in $THREADS; do
    for arenas in 1 default; do
      if [ $arenas = 1 ]; then arena_env=MALLOC_ARENA_MAX=1; allow=3072; else arena_env=; allow=$((4096 * n)); fi
      small=$(env $arena_env ACTOR_THREADS=$n timeout 120 "$work/peak_rss" "$work/mem.out" "$work/sup_end" 20000)
      grep -q "^sessions: 20000," "$work/mem.out" || small=-1
      big=$(env $arena_env ACTOR_THREADS=$n timeout 120 "$work/peak_rss" "$work/mem.out" "$work/sup_end" 200000)
      grep -q "^sessions: 200000," "$work/mem.out" || big=-1
      echo "  memory: supervisors in waves (threads=$n, malloc arenas: $arenas): peak RSS $small KiB with 20000 sessions, $big KiB with 200000"
      if [ "${small:--1}" -gt 0 ] && [ "${big:--1}" -gt 0 ] && [ $((big - small)) -le $allow ]; then ok; else
        bad "memory: sup_end.actor (threads=$n, malloc arenas: $arenas): peak RSS $big KiB with 200000 sessions, $small KiB with 20000 (allowed: +$allow KiB; -1: did not finish every wave)"; fi
    done
  done
else
  bad "memory: sup_end.actor or peak_rss.c does not build"; head -5 "$work/build.out" | sed 's/^/  | /'
fi
tally memory
