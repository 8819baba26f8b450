#!/bin/sh
# tests/diag.sh — diagnostic tests: tests/diag/NAME.actor with NAME.diag, "LINE" or
# "LINE: text" per expected error (text must appear in that line's message).
cd "$(dirname "$0")/.." && . tests/lib.sh
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
tally diag
