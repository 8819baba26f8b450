# tests/lib.sh — what the parts of the test suite share; sourced by tests/NAME.sh
# after they cd to the project's root.
#
#   ACTORC    the compiler (default build/actorc)
#   THREADS   the scheduler thread counts programs run with (default "1 4")
#   RUN_ENV   more environment for the programs run_case runs
#   $work     a scratch folder, removed at exit
#   ok / bad "WHY"   count a pass / a failure (bad prints "FAIL WHY")
#   tally PART       the last line of every part: "PART: N passed, N failed"
#   run_case DIR NAME  builds DIR/NAME.actor, runs it at each of $THREADS and compares
#                    what it does with DIR/NAME.out [.status .stderr .args .in .unordered]
set -u
ACTORC=${ACTORC:-$PWD/build/actorc}
THREADS=${THREADS:-"1 4"}
RUN_ENV=${RUN_ENV:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
tally() { echo "$1: $pass passed, $fail failed"; [ "$fail" = 0 ]; }

# run_case DIR NAME: one pass or failure per thread count.
#   NAME.out        expected standard output, exactly (required: empty if it prints nothing)
#   NAME.unordered  compare the lines of the output in any order
#   NAME.status     expected exit status (default 0)
#   NAME.stderr     lines each of which must appear in standard error
#   NAME.args       command-line arguments, one per line
#   NAME.in         standard input (default: none)
#   NAME.env        VAR=VALUE lines: environment for building and running it
#                   (ACTOR_STDLIB=tests/run/NAME.lib: a standard library of its own)
# The build must print nothing: a warning fails the case.
run_case() {
  dir=$1 name=$2 src="$1/$2.actor"
  case_env=""; [ -f "$dir/$name.env" ] && case_env=$(cat "$dir/$name.env")
  if [ ! -f "$dir/$name.out" ]; then bad "$src: no $name.out beside it (its expected output)"; return; fi
  if ! env $case_env "$ACTORC" build "$src" -o "$work/$name" >"$work/build.out" 2>&1; then
    bad "$src: build failed"; head -20 "$work/build.out" | sed 's/^/  | /'; return
  fi
  if [ -s "$work/build.out" ]; then
    bad "$src: the build printed something (a warning?)"; head -20 "$work/build.out" | sed 's/^/  | /'; return
  fi
  for n in $THREADS; do
    args_file="$dir/$name.args"
    in_file="$dir/$name.in"; [ -f "$in_file" ] || in_file=/dev/null
    if [ -f "$args_file" ]; then
      # one argument per line
      (IFS='
'; set -f; env $RUN_ENV $case_env ACTOR_THREADS=$n timeout 60 "$work/$name" $(cat "$args_file") <"$in_file" >"$work/out" 2>"$work/err"; echo $? >"$work/status")
    else
      env $RUN_ENV $case_env ACTOR_THREADS=$n timeout 60 "$work/$name" <"$in_file" >"$work/out" 2>"$work/err"; echo $? >"$work/status"
    fi
    st=$(cat "$work/status")
    want_st=0; [ -f "$dir/$name.status" ] && want_st=$(tr -d ' \n' <"$dir/$name.status")
    if [ "$st" != "$want_st" ]; then
      bad "$src (threads=$n): exit status $st, want $want_st"; head -5 "$work/err" | sed 's/^/  | /'; continue
    fi
    if [ -f "$dir/$name.unordered" ]; then
      sort "$dir/$name.out" >"$work/e1"; sort "$work/out" >"$work/o1"
    else
      cp "$dir/$name.out" "$work/e1"; cp "$work/out" "$work/o1"
    fi
    if ! diff "$work/e1" "$work/o1" >"$work/diff"; then
      bad "$src (threads=$n): output differs"; head -10 "$work/diff" | sed 's/^/  | /'; continue
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
