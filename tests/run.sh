#!/bin/sh
# tests/run.sh — the whole test suite (make test).  Prints one line per failure and ends
# with "N passed, N failed"; exits non-zero when anything failed.
#
#   runtime unit tests     build/tests/test_* (C programs for the runtime's mechanisms)
#   build                  tests/build/*.sh: the runtime's structure (its layers call only
#                          downward), its exported symbols, make install
#   golden programs        tests/run/NAME.actor, NAME.out [.status .stderr .args .in .unordered]
#   memory                 supervisors that end are freed: sup_end.actor's peak RSS with
#                          200000 sessions stays near its peak with 20000
#   diagnostics            tests/diag/NAME.actor with NAME.diag: "LINE" or "LINE: text" per
#                          expected error (text must appear in that line's message)
#   debug                  -g: gdb breaks at ring.actor:LINE and shows .actor frames
#   seeded                 ACTOR_SCHED_SEED=N replays one interleaving; seeds differ;
#                          the golden programs under two seeds; more runnable actors
#                          than a run queue holds
#   robustness             garbage, empty, huge and deeply nested input: status 1, a
#                          file:line:col: error, never a crash
#   samples                samples/*.actor and the folders listed below build and run
#                          (NAME.out beside them when given); the chat server's driver
#                          checks a transcript (tests/load/chat_transcript.py)
#   load                   the chat server under 1000 clients: delivery and memory
#                          (tests/load/chat_load.py; prints its numbers)
#   conformance            ../shared/conformance/run.sh, at ACTOR_THREADS 1 and 4
#
# THREADS (default "1 4") sets the scheduler thread counts programs run with.
# ONLY="rt build golden memory diag robust debug seeded samples load conformance" (any of them) runs only those parts.
set -u
cd "$(dirname "$0")/.."
ACTORC=${ACTORC:-$PWD/build/actorc}
THREADS=${THREADS:-"1 4"}
RUN_ENV=${RUN_ENV:-} # more environment for the golden programs (the seeded part sets it)
ONLY=${ONLY:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
want() { [ -z "$ONLY" ] || case " $ONLY " in *" $1 "*) true ;; *) false ;; esac; }

# ---- runtime unit tests -----------------------------------------------------------
# tests/rt/run.sh runs each at every thread count (as make test-rt does); its failures
# are shown here, and its runs counted.
if want rt; then
  bins=
  for t in build/tests/test_*; do
    [ -x "$t" ] || continue
    case "$t" in *.*) continue ;; esac
    bins="$bins $t"
  done
  sh tests/rt/run.sh $bins >"$work/rt.out" 2>&1
  grep -v -e '^ok ' -e '^test-rt: ' "$work/rt.out"
  line=$(tail -1 "$work/rt.out")
  rp=$(echo "$line" | sed -nE 's/^test-rt: ([0-9]+) passed, ([0-9]+) failed$/\1/p')
  rf=$(echo "$line" | sed -nE 's/^test-rt: ([0-9]+) passed, ([0-9]+) failed$/\2/p')
  pass=$((pass + ${rp:-0})); fail=$((fail + ${rf:-1}))
fi

# ---- the build: tests/build/*.sh, each a check of what was built -------------------
if want build; then
  for t in tests/build/*.sh; do
    [ -f "$t" ] || continue
    if sh "$t" >"$work/build.out" 2>&1; then ok; sed 's/^/  /' "$work/build.out"; else
      bad "$t"; head -30 "$work/build.out" | sed 's/^/  | /'; fi
  done
fi

# ---- golden programs ----------------------------------------------------------------
# run_case DIR NAME: builds DIR/NAME.actor and compares what it prints
run_case() {
  dir=$1 name=$2 src="$1/$2.actor"
  if ! "$ACTORC" build "$src" -o "$work/$name" >"$work/build.out" 2>&1; then
    bad "$src: build failed"; head -20 "$work/build.out" | sed 's/^/  | /'; return
  fi
  for n in $THREADS; do
    args_file="$dir/$name.args"
    in_file="$dir/$name.in"; [ -f "$in_file" ] || in_file=/dev/null
    if [ -f "$args_file" ]; then
      # one argument per line
      (IFS='
'; set -f; env $RUN_ENV ACTOR_THREADS=$n timeout 60 "$work/$name" $(cat "$args_file") <"$in_file" >"$work/out" 2>"$work/err"; echo $? >"$work/status")
    else
      env $RUN_ENV ACTOR_THREADS=$n timeout 60 "$work/$name" <"$in_file" >"$work/out" 2>"$work/err"; echo $? >"$work/status"
    fi
    st=$(cat "$work/status")
    want_st=0; [ -f "$dir/$name.status" ] && want_st=$(tr -d ' \n' <"$dir/$name.status")
    if [ "$st" != "$want_st" ]; then
      bad "$src (threads=$n): exit status $st, want $want_st"; head -5 "$work/err" | sed 's/^/  | /'; continue
    fi
    expect="$dir/$name.out"
    if [ -f "$expect" ]; then
      if [ -f "$dir/$name.unordered" ]; then
        sort "$expect" >"$work/e1"; sort "$work/out" >"$work/o1"
      else
        cp "$expect" "$work/e1"; cp "$work/out" "$work/o1"
      fi
      if ! diff "$work/e1" "$work/o1" >"$work/diff"; then
        bad "$src (threads=$n): output differs"; head -10 "$work/diff" | sed 's/^/  | /'; continue
      fi
    fi
    if [ -f "$dir/$name.stderr" ]; then
      missing=""
      while IFS= read -r line; do
        [ -z "$line" ] && continue
        grep -qF -- "$line" "$work/err" || missing="$line"
      done <"$dir/$name.stderr"
      if [ -n "$missing" ]; then bad "$src (threads=$n): stderr lacks: $missing"; head -5 "$work/err" | sed 's/^/  | /'; continue; fi
    fi
    ok
  done
}

if want golden; then
  for src in tests/run/*.actor; do
    [ -f "$src" ] || continue
    run_case tests/run "$(basename "$src" .actor)"
  done
fi

# ---- memory: a supervisor per session, ended and freed ------------------------------
# tests/run/sup_end.actor spawns supervisors in waves of 10000, each with a child that
# works and stops; a wave starts when the last one's supervisors have all ended.  Its
# peak RSS must not grow with the number of sessions: with 200000 it must stay within
# 3 MiB of its peak with 20000 when malloc has one arena (MALLOC_ARENA_MAX=1: what the
# runtime itself keeps), and within 4 MiB a thread with glibc's default per-thread
# arenas (each keeps up to a wave's worth of freed blocks for reuse: a plateau reached
# after a few waves).  Before supervisors ended (and were freed), 200000 sessions took
# about 120 MiB more than 20000.
if want memory; then
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
fi

# ---- diagnostics ---------------------------------------------------------------------
if want diag; then
  for src in tests/diag/*.actor; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .actor)
    "$ACTORC" check "$src" >/dev/null 2>"$work/err"; st=$?
    if [ "$st" != 1 ]; then bad "$src: check exited $st, want 1"; head -5 "$work/err" | sed 's/^/  | /'; continue; fi
    base=$(basename "$src")
    got=$(grep -oE "^[^ ]*$base:[0-9]+:[0-9]+: error" "$work/err" | sed -E 's/.*:([0-9]+):[0-9]+: error/\1/' | sort -un | tr '\n' ' ')
    wantl=$(sed -E 's/^([0-9]+).*/\1/' "tests/diag/$name.diag" | grep -v '^$' | sort -un | tr '\n' ' ')
    if [ "$got" != "$wantl" ]; then bad "$src: errors on lines [$got], want [$wantl]"; head -20 "$work/err" | sed 's/^/  | /'; continue; fi
    msgok=1
    while IFS= read -r line; do
      case "$line" in *:*) ;; *) continue ;; esac
      l=${line%%:*}; text=${line#*: }
      grep -E "$base:$l:[0-9]+: error:" "$work/err" | grep -qF -- "$text" || { msgok=0; bad "$src: line $l: no error containing: $text"; grep -E "$base:$l:" "$work/err" | sed 's/^/  | /'; }
    done <"tests/diag/$name.diag"
    [ $msgok = 1 ] && ok
  done
fi

# ---- robustness: the compiler answers anything with diagnostics, never a crash ---------
# expect_error FILE [WHAT]: `actorc check FILE` exits 1 with a file:line:col: error
expect_error() {
  timeout 60 "$ACTORC" check "$1" >/dev/null 2>"$work/err"; st=$?
  if [ "$st" = 1 ] && grep -qE "^[^ ]+:[0-9]+:[0-9]+: error: " "$work/err"; then ok; else
    bad "robustness ${2:-$1}: exit $st"; head -5 "$work/err" | sed 's/^/  | /'; fi
}
if want robust; then
  r="$work/robust"; mkdir -p "$r"
  : >"$r/empty.actor"
  "$ACTORC" build "$r/empty.actor" -o "$r/x" >/dev/null 2>"$work/err"; st=$?
  if [ $st = 1 ] && grep -q "empty.actor:1:1: error" "$work/err"; then ok; else bad "robustness: build of an empty file: exit $st"; fi
  head -c 65536 /dev/urandom >"$r/random.actor"; expect_error "$r/random.actor" "random bytes"
  for seed in 1 2 3 4 5 6 7 8; do
    awk -v s=$seed 'BEGIN { srand(s); for (i = 0; i < 20000; i++) printf "%c", int(rand() * 95) + 32 + (rand() < 0.05 ? -22 : 0) }' >"$r/noise$seed.actor"
    timeout 60 "$ACTORC" check "$r/noise$seed.actor" >/dev/null 2>"$work/err"; st=$?
    if [ "$st" = 1 ] || [ "$st" = 0 ]; then ok; else bad "robustness printable noise seed $seed: exit $st"; head -3 "$work/err"; fi
  done
  awk 'BEGIN { printf "actor Main { on start() { print("; for (i = 0; i < 300; i++) printf "("; printf "1"; for (i = 0; i < 300; i++) printf ")"; print ") } }" }' >"$r/deep.actor"
  expect_error "$r/deep.actor" "300 nested parentheses"
  if grep -q "nesting too deep" "$work/err"; then ok; else bad "robustness: deep nesting not reported as 'nesting too deep'"; fi
  awk 'BEGIN { printf "actor Main { on start() { print(1"; for (i = 0; i < 100000; i++) printf " + 1"; print ") } }" }' >"$r/chain.actor"
  expect_error "$r/chain.actor" "100000-term expression"
  awk 'BEGIN { printf "actor Main { on start() { let x = "; for (i = 0; i < 50000; i++) printf "-"; print "1 } }" }' >"$r/unary.actor"
  expect_error "$r/unary.actor" "50000 unary minus"
  awk 'BEGIN { printf "actor Main {\n on start() {\n"; for (i = 0; i < 200000; i++) printf "  print(\"line %d\")\n", i; print "  undefined()\n }\n}" }' >"$r/huge.actor"
  expect_error "$r/huge.actor" "200000-line file"
  awk 'BEGIN { printf "actor Main { on start() { let s = \""; for (i = 0; i < 1000000; i++) printf "x"; print "\" ; nope() } }" }' >"$r/longline.actor"
  expect_error "$r/longline.actor" "1 MB line"
  # huge literals compile in reasonable time: a table of constants, and a long literal
  # of computed elements (each moved into the list as it is made)
  awk 'BEGIN { printf "actor Main { on start() { let k = \"v\"; let xs = ["; for (i = 0; i < 200000; i++) printf "%d, ", i; printf "1]; let ys = ["; for (i = 0; i < 3000; i++) printf "k + k, "; print "k]; print(xs.len() + ys.len()) } }" }' >"$r/biglit.actor"
  out=$(timeout 120 "$ACTORC" run "$r/biglit.actor" 2>&1)
  if [ "$out" = 203002 ]; then ok; else bad "robustness: huge list literals: $(echo "$out" | head -3)"; fi
  printf 'actor Main { on start() { print("\xff\xfe bad utf-8 \xc3") } }\nlet \xe2\x82\xac = 1\n' >"$r/utf8.actor"
  expect_error "$r/utf8.actor" "invalid UTF-8"
  printf 'actor Main { on start() { print(99999999999999999999999) } }\n' >"$r/bigint.actor"
  expect_error "$r/bigint.actor" "huge integer literal"
  printf 'actor Main { on start() { print("unterminated) }\n' >"$r/unterminated.actor"
  expect_error "$r/unterminated.actor" "unterminated string"
  printf '/* never closed\nactor Main {}\n' >"$r/comment.actor"
  expect_error "$r/comment.actor" "unterminated comment"
  printf 'actor Main { on start() { print("a {"b {1 + "c {2}"}"}") } }\n' >"$r/interp.actor"
  expect_error "$r/interp.actor" "nested interpolation with a type error"
  # running out of memory (an address-space limit): reported, status 70, at any thread
  # count (worker stacks fall back to the default size when the limit is tight)
  if "$ACTORC" build tests/limits/oom.actor -o "$work/oom" >/dev/null 2>&1; then
    for n in 1 4; do
      (ulimit -v 400000; ACTOR_THREADS=$n timeout 60 "$work/oom" >/dev/null 2>"$work/err"); st=$?
      if [ $st = 70 ] && grep -q "out of memory" "$work/err"; then ok; else bad "limits: out of memory with $n threads: exit $st"; head -3 "$work/err"; fi
    done
  else
    bad "limits: oom.actor does not build"
  fi
  for f in tests/fuzz/regressions/*; do  # inputs that once crashed the fuzz target
    [ -f "$f" ] || continue
    timeout 60 "$ACTORC" check "$f" >/dev/null 2>&1; st=$?
    if [ "$st" = 0 ] || [ "$st" = 1 ]; then ok; else bad "fuzz regression $f: exit $st"; fi
  done
  printf 'fn f() -> Int { return 1 }\n' >"$r/nomain.actor"
  if "$ACTORC" check "$r/nomain.actor" 2>"$work/err"; then ok; else bad "robustness: check of a library file without Main"; fi
  "$ACTORC" build "$r/nomain.actor" -o "$r/x" >/dev/null 2>"$work/err"; st=$?
  if [ $st = 1 ] && grep -q "nomain.actor:1:1: error: .*Main" "$work/err" && [ ! -e "$r/x" ]; then ok; else bad "robustness: build without Main: exit $st"; fi
fi

# ---- debug information: gdb shows .actor files and lines --------------------------
if want debug && command -v gdb >/dev/null 2>&1; then
  "$ACTORC" build samples/ring.actor -g -O0 -o "$work/ring_g" >"$work/err" 2>&1 || bad "debug: build -g failed"
  line=$(grep -n 'print("node {id}' samples/ring.actor | cut -d: -f1)
  gdb -batch -ex "break ring.actor:$line" -ex run -ex bt -ex "info source" --args "$work/ring_g" 5 7 >"$work/gdb.out" 2>&1
  if grep -q "Breakpoint 1, Node.on.token .* at .*ring.actor:$line" "$work/gdb.out" &&
     grep -q "Node.dispatch .* at .*ring.actor" "$work/gdb.out" &&
     grep -q "print(\"node {id}" "$work/gdb.out"; then ok; else
    bad "debug: gdb did not stop at ring.actor:$line with an .actor backtrace and source"; sed 's/^/  | /' "$work/gdb.out" | head -20; fi
fi

# ---- seeded scheduling: ACTOR_SCHED_SEED replays an interleaving ------------------
if want seeded; then
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
  # more runnable actors than a worker's ring holds: the seeded worker draws from the
  # global queue too, and must finish
  if "$ACTORC" build tests/seeded/many.actor -o "$work/many" >"$work/err" 2>&1; then
    for seed in 1 2 3; do
      out=$(ACTOR_SCHED_SEED=$seed timeout 20 "$work/many")
      if [ "$out" = "2000 answers, sum 1999000" ]; then ok; else bad "seeded: many.actor (seed $seed): '$out'"; fi
    done
  else
    bad "seeded: many.actor: build failed"; head -5 "$work/err"
  fi
  # every golden program gives its expected output under any interleaving
  saved_threads=$THREADS saved_env=$RUN_ENV
  for seed in 101 202; do
    THREADS=1 RUN_ENV="$saved_env ACTOR_SCHED_SEED=$seed"
    for src in tests/run/*.actor; do
      [ -f "$src" ] || continue
      run_case tests/run "$(basename "$src" .actor)"
    done
  done
  THREADS=$saved_threads RUN_ENV=$saved_env
fi

# ---- samples ---------------------------------------------------------------------------
if want samples; then
  for src in samples/*.actor; do
    [ -f "$src" ] || continue
    run_case samples "$(basename "$src" .actor)"
  done
  # samples in a folder of their own (samples/NAME/NAME.actor, with a README.md)
  run_case samples/iot iot
  run_case samples/game game
  run_case samples/workflow workflow
  # a server: its own driver starts it, has clients go through a transcript, stops it
  if "$ACTORC" build samples/chat/chat.actor -o "$work/chat" >"$work/build.out" 2>&1; then
    for n in $THREADS; do
      if ACTOR_THREADS=$n timeout 120 python3 tests/load/chat_transcript.py "$work/chat" >"$work/chat.out" 2>&1; then ok; else
        bad "samples/chat (threads=$n): transcript"; head -20 "$work/chat.out" | sed 's/^/  | /'; fi
    done
  else
    bad "samples/chat/chat.actor: build failed"; head -20 "$work/build.out" | sed 's/^/  | /'
  fi
fi

# ---- load: the chat server with 1000 concurrent clients (tests/load/chat_load.py) -------
if want load; then
  if "$ACTORC" build samples/chat/chat.actor -o "$work/chat" >"$work/build.out" 2>&1 &&
     timeout 300 python3 tests/load/chat_load.py "$work/chat" >"$work/load.out" 2>&1; then
    ok; sed 's/^/  /' "$work/load.out"
  else
    bad "load: the chat server under 1000 clients"; tail -20 "$work/load.out" "$work/build.out" 2>/dev/null | sed 's/^/  | /'
  fi
fi

# ---- conformance ---------------------------------------------------------------------
if want conformance; then
  conf=../shared/conformance/run.sh
  if [ -x "$conf" ] || [ -f "$conf" ]; then
    THREADS="$THREADS" bash "$conf" "$ACTORC" >"$work/conf.out" 2>&1
    awk '/^FAIL/ { show = 1 } /^PASS/ { show = 0 } show' "$work/conf.out" | sed 's/^/  | /'
    line=$(tail -1 "$work/conf.out")
    cp=$(echo "$line" | sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/p')
    cf=$(echo "$line" | sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/p')
    echo "$line"
    pass=$((pass + ${cp:-0})); fail=$((fail + ${cf:-1}))
  else
    bad "conformance: $conf not found (the shared folder belongs beside the project)"
  fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
