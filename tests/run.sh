#!/bin/sh
# tests/run.sh — the whole test suite (make test): runs each part below, shows its
# failures and notes, and ends with "N passed, N failed" over all of them; exits
# non-zero when anything failed.  Each part is a script that ends with its own
# "PART: N passed, N failed" line (tests/lib.sh has what they share).
#
#   rt           tests/rt/run.sh: the runtime's unit tests in C (build/tests/test_*), at
#                several thread counts
#   build        tests/build.sh: the runtime's layers call only downward, its exported
#                symbols are its public API, make install works (tests/build/*.sh)
#   golden       tests/golden.sh: tests/run/NAME.actor print NAME.out
#   memory       tests/memory.sh: supervisors that end are freed (peak RSS)
#   diag         tests/diag.sh: tests/diag/NAME.actor report the errors their
#                `// error: ...` comments announce
#   graph        tests/graph.sh: actorc graph of every sample against its golden DOT file, and
#                the samples' SVGs rendered from it
#   robust       tests/robust.sh: garbage, empty, huge and deeply nested input; out of memory
#   debug        tests/debug.sh: -g, and gdb shows .actor lines
#   ir           tests/ir.sh: the shape of generated code (a match is a switch on the tag)
#   seeded       tests/seeded.sh: ACTOR_SCHED_SEED replays an interleaving; the golden
#                programs under two seeds
#   samples      tests/samples.sh: samples/ print their NAME.out; the chat server's transcript
#   trace        tests/trace.sh: ACTOR_TRACE's file read back (flows, tracks, filters, every
#                way a program ends), ACTOR_STATS' counts, bad values of both
#   load         tests/load.sh: the chat server under 1000 clients
#   attack       tests/attack.sh: programs under attack (bad options, output held back,
#                colliding keys, FIFOs, deep JSON, runaway sizes and recursion)
#   conformance  ../shared/conformance/run.sh (its own format)
#   conformance-v2  the same for ../shared/conformance/v2 (language v2.0)
#
# ONLY="golden samples ..." runs only the parts named; THREADS (default "1 4") sets the
# scheduler thread counts programs run with; ACTORC the compiler.
set -u
cd "$(dirname "$0")/.."
export ACTORC=${ACTORC:-$PWD/build/actorc}
export THREADS=${THREADS:-"1 4"}
ONLY=${ONLY:-}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0
fail=0

# part NAME COMMAND...: when NAME is wanted, runs COMMAND and shows what it prints but
# its "ok"/"PASS" lines, then adds its last "N passed, N failed" line to the totals
# (no such line: one failure).
part() {
  name=$1; shift
  case " ${ONLY:-$name} " in *" $name "*) ;; *) return 0 ;; esac
  "$@" 2>&1 | tee "$log" | grep -v -e '^ok ' -e '^PASS '
  line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  if [ -z "$line" ]; then fail=$((fail + 1)); echo "FAIL $name: ended without its 'N passed, N failed' line"; return 0; fi
  line=${line#*: }
  pass=$((pass + ${line%% passed*})); line=${line#*passed, }; fail=$((fail + ${line%% failed}))
}

rt_bins() { for t in build/tests/test_*; do [ -x "$t" ] && case "$t" in *.*) ;; *) echo "$t" ;; esac; done; }

part rt sh tests/rt/run.sh $(rt_bins)
part build sh tests/build.sh
part golden sh tests/golden.sh
part memory sh tests/memory.sh
part diag sh tests/diag.sh
part graph sh tests/graph.sh
part robust sh tests/robust.sh
part debug sh tests/debug.sh
part ir sh tests/ir.sh
part seeded sh tests/seeded.sh
part samples sh tests/samples.sh
part trace sh tests/trace.sh
part load sh tests/load.sh
part attack sh tests/attack.sh
part conformance bash ../shared/conformance/run.sh "$ACTORC"
part conformance-v2 bash ../shared/conformance/run.sh "$ACTORC" ../shared/conformance/v2

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
