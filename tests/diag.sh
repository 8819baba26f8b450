#!/bin/sh
# tests/diag.sh — diagnostic tests.  Each tests/diag/NAME.actor announces the errors
# (and warnings) `actorc check` must report, in comments on the lines they concern:
#
#     let x: String = 1 + 2   // error: mismatched types: the value of 'x' must be String, found Int
#
#   // error: TEXT      an error on this line whose message is TEXT: the whole message
#                       after "error: ", exactly (blanks at the end of the line ignored)
#   // error@+N: TEXT   the same, N lines below (@-N: above): for a line that cannot hold
#                       a comment (inside a string, the end of the file) or a second
#                       error on one line
#   // warning: TEXT    a warning (warning@+N, warning@-N alike)
#   // note: TEXT       a note (note@+N, note@-N alike).  A file with no note
#                       annotation ignores notes; one with any must announce them all.
#
# One annotation per line (the first `// error`/`// warning`/`// note` of a line
# counts).  The test passes when check exits 1 (0 for a file that announces warnings
# only) and the set of (line, kind, message) it reports equals the set announced: a
# missing error, an extra one or a different message fails it.  Errors in another
# file, or without a position, are always extra.  A file of warnings only is checked
# again with -Werror (the same messages as errors, exit 1) and -w (nothing, exit 0).
# NAME.env beside a file: VAR=VALUE lines of environment for its checks (as for golden
# programs: ACTOR_STDLIB=... for a standard library of the test's own).
cd "$(dirname "$0")/.." && . tests/lib.sh
export LC_ALL=C

# expected SRC: "LINE: KIND: TEXT" for each annotation
expected() {
  awk '{
    if (!match($0, /\/\/ (error|warning|note)(@[-+][0-9]+)?: /)) next
    tag = substr($0, RSTART + 3, RLENGTH - 5); text = substr($0, RSTART + RLENGTH)
    sub(/[ \t\r]+$/, "", text)
    kind = tag; sub(/@.*/, "", kind)
    line = NR; if (tag ~ /@/) { off = tag; sub(/^[a-z]+@/, "", off); line = NR + off }
    print line ": " kind ": " text
  }' "$1"
}

# reported SRC ERRFILE NOTES: "LINE: KIND: TEXT" for each diagnostic about SRC in
# ERRFILE; those about other files keep their file name, so that they never match; notes
# only when NOTES is 1
reported() {
  awk -v src="$1" -v notes="$3" '
    /^actorc: / { print; next }
    match($0, /^[^ ]+:[0-9]+:[0-9]+: (error|warning|note): /) {
      where = substr($0, 1, RLENGTH); text = substr($0, RLENGTH + 1)
      kind = where ~ /: note: $/ ? "note" : where ~ /: warning: $/ ? "warning" : "error"
      if (kind == "note" && notes != 1) next
      sub(/:[0-9]+: (error|warning|note): $/, "", where)  # FILE:LINE
      match(where, /:[0-9]+$/); file = substr(where, 1, RSTART - 1); line = substr(where, RSTART + 1)
      print (file == src ? "" : file ":") line ": " kind ": " text
    }' "$2"
}

for src in tests/diag/*.actor; do
  case_env=""; [ -f "${src%.actor}.env" ] && case_env=$(cat "${src%.actor}.env")
  expected "$src" | sort -u >"$work/want"
  want_st=1; grep -q ': error: ' "$work/want" || want_st=0
  env $case_env "$ACTORC" check "$src" >/dev/null 2>"$work/err"; st=$?
  if [ "$st" != $want_st ]; then bad "$src: check exited $st, want $want_st"; head -5 "$work/err" | sed 's/^/  | /'; continue; fi
  notes=0; grep -q ': note: ' "$work/want" && notes=1
  reported "$src" "$work/err" $notes | sort -u >"$work/got"
  if [ ! -s "$work/want" ]; then bad "$src: announces no error (// error: TEXT)"; continue; fi
  if [ $want_st = 0 ]; then # warnings only: -Werror makes them errors, -w drops them
    env $case_env "$ACTORC" check -Werror "$src" >/dev/null 2>"$work/err"; st=$?
    reported "$src" "$work/err" 0 | sed 's/: error: /: warning: /' | sort -u >"$work/werror"
    grep -v ': note: ' "$work/want" >"$work/want_w"
    if [ $st = 1 ] && cmp -s "$work/want_w" "$work/werror"; then ok; else bad "$src: check -Werror exited $st or said otherwise"; fi
    env $case_env "$ACTORC" check -w "$src" >"$work/out" 2>&1; st=$?
    if [ $st = 0 ] && [ ! -s "$work/out" ]; then ok; else bad "$src: check -w exited $st or printed something"; fi
  fi
  if cmp -s "$work/want" "$work/got"; then ok; else
    bad "$src: the diagnostics differ from the announced ones"
    comm -23 "$work/want" "$work/got" | sort -n | sed 's/^/  | missing:    /'
    comm -13 "$work/want" "$work/got" | sort -n | sed 's/^/  | unexpected: /'
  fi
done
tally diag
