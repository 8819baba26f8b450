#!/bin/sh
# tests/robust.sh — the compiler answers any input with diagnostics, never a crash:
# generated garbage, empty, huge and deeply nested input gets status 1 and a
# file:line:col: error; huge literals compile in reasonable time; a command-line
# mistake gets one line; the inputs that once crashed the fuzz target
# (tests/fuzz/regressions/) are answered; a program that runs out of memory says so
# (tests/limits/oom*.actor).
cd "$(dirname "$0")/.." && . tests/lib.sh
r="$work/robust"; mkdir -p "$r"

# expect_error FILE [WHAT]: `actorc check FILE` exits 1 with a file:line:col: error
expect_error() {
  timeout 60 "$ACTORC" check "$1" >/dev/null 2>"$work/err"; st=$?
  if [ "$st" = 1 ] && grep -qE "^[^ ]+:[0-9]+:[0-9]+: error: " "$work/err"; then ok; else
    bad "robustness ${2:-$1}: exit $st"; head -5 "$work/err" | sed 's/^/  | /'; fi
}

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
# a table of constants, and a long literal of computed elements (each moved into the
# list as it is made)
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
printf 'fn f() -> Int { return 1 }\n' >"$r/nomain.actor"
if "$ACTORC" check "$r/nomain.actor" 2>"$work/err"; then ok; else bad "robustness: check of a library file without Main"; fi
"$ACTORC" build "$r/nomain.actor" -o "$r/x" >/dev/null 2>"$work/err"; st=$?
if [ $st = 1 ] && grep -q "nomain.actor:1:1: error: .*Main" "$work/err" && [ ! -e "$r/x" ]; then ok; else bad "robustness: build without Main: exit $st"; fi

# command-line mistakes: one line each, ending with where to look (not the whole help)
printf 'actor Main { on start() { } }\n' >"$r/ok.actor"
for args in "build -O5 $r/ok.actor" "build $r/ok.actor -o" "check -Wall $r/ok.actor" "frob $r/ok.actor" "build" \
            "check $r/ok.actor $r/ok.actor" "run -O9 $r/ok.actor"; do
  "$ACTORC" $args >"$work/out" 2>"$work/err"; st=$?
  if [ $st = 1 ] && [ ! -s "$work/out" ] && [ "$(wc -l <"$work/err")" = 1 ] &&
     grep -q "^actorc: error: .*; see 'actorc --help'\$" "$work/err"; then ok; else
    bad "command line 'actorc $args': exit $st"; head -3 "$work/err" | sed 's/^/  | /'; fi
done
"$ACTORC" >/dev/null 2>"$work/err"; st=$?
if [ $st = 1 ] && grep -q "^usage:" "$work/err"; then ok; else bad "command line 'actorc' alone: exit $st, no usage"; fi

for f in tests/fuzz/regressions/*; do
  [ -f "$f" ] || continue
  timeout 60 "$ACTORC" check "$f" >/dev/null 2>&1; st=$?
  if [ "$st" = 0 ] || [ "$st" = 1 ]; then ok; else bad "fuzz regression $f: exit $st"; fi
done

# running out of memory (an address-space limit), at any thread count (worker stacks
# fall back to the default size when the limit is tight): a value the system refuses
# fails only the actor that asked (tests/limits/oom.actor: status 1, the report names
# it); the runtime's own memory running out (tests/limits/oom_runtime.actor: actors
# without end) ends the process, reported, status 70, after what it printed
if "$ACTORC" build tests/limits/oom.actor -o "$work/oom" >/dev/null 2>&1; then
  for n in 1 4; do
    (ulimit -v 400000; ACTOR_THREADS=$n timeout 60 "$work/oom" >/dev/null 2>"$work/err"); st=$?
    if [ $st = 1 ] && grep -q "actor Hog#2 failed in eat at .*: out of memory ([0-9]* bytes)" "$work/err"; then ok; else
      bad "limits: a value out of memory with $n threads: exit $st"; head -3 "$work/err"; fi
  done
else
  bad "limits: oom.actor does not build"
fi
if "$ACTORC" build tests/limits/oom_runtime.actor -o "$work/oom_runtime" >/dev/null 2>&1; then
  for n in 1 4; do
    (ulimit -v 400000; ACTOR_THREADS=$n timeout 60 "$work/oom_runtime" >"$work/out" 2>"$work/err"); st=$?
    if [ $st = 70 ] && grep -q "^actor runtime: out of memory" "$work/err" && [ "$(cat "$work/out")" = spawning ]; then ok; else
      bad "limits: the runtime out of memory with $n threads: exit $st, output '$(cat "$work/out")'"; head -3 "$work/err"; fi
  done
else
  bad "limits: oom_runtime.actor does not build"
fi
tally robust
