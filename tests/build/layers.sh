#!/bin/sh
# layers.sh — the runtime's layers use only the layers below them (docs/runtime.md):
#
#   runtime/include  <  runtime/base  <  runtime/values  <  runtime/core  <  runtime/io  <  stdlib
#
# Two checks, each printing one line per violation:
#   includes  every #include "..." in runtime/ and stdlib/ names an existing header of
#             the same or a lower layer, by its path under runtime/ ("core/rt_core.h")
#             or, in the same folder, by its name;
#   symbols   every symbol an object of a layer takes from the runtime (nm of build/rt/)
#             is defined in the same or a lower layer: no call up, even through a
#             prototype written by hand.
# Exits 1 when either finds one.  B names the build folder (default build).
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
rank() {
  case $1 in
    include) echo 0 ;; base) echo 1 ;; values) echo 2 ;; core) echo 3 ;; io) echo 4 ;; stdlib) echo 5 ;;
    *) echo 99 ;;
  esac
}
# The layer of a source path: runtime/LAYER/... or stdlib/...
layer_of() {
  case $1 in
    runtime/*/*) d=${1#runtime/}; echo "${d%%/*}" ;;
    stdlib/*) echo stdlib ;;
    *) echo "?" ;;
  esac
}
bad=0
files=0

# ---- includes ------------------------------------------------------------------------
for f in runtime/*/*.[ch] stdlib/*.[ch]; do
  files=$((files + 1))
  own=$(layer_of "$f")
  dir=$(dirname "$f")
  for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
    case $inc in
      */*) target=runtime/$inc ;;
      *) target=$dir/$inc ;;
    esac
    if [ ! -f "$target" ]; then
      echo "$f: #include \"$inc\": no $target (name a header by its path under runtime/, or one in the same folder)"
      bad=1
      continue
    fi
    tl=$(layer_of "$target")
    if [ "$(rank "$tl")" -gt "$(rank "$own")" ]; then
      echo "$f: includes $target: $own may not use $tl (a layer above it)"
      bad=1
    fi
  done
done

# ---- symbols -------------------------------------------------------------------------
objs=$(ls "$B"/rt/runtime/*/*.o "$B"/rt/stdlib/*.o 2>/dev/null)
if [ -z "$objs" ]; then
  echo "layers: no objects under $B/rt (build first)"
  exit 1
fi
# "D symbol layer" for each definition, "U symbol layer object" for each use
for o in $objs; do
  src=${o#"$B"/rt/}
  l=$(layer_of "$src")
  nm "$o" | awk -v l="$l" -v o="$src" '
    $1 == "U" { print "U", $2, l, o; next }
    NF == 3 && $2 ~ /^[TDBRCVW]$/ { print "D", $3, l }'
done | awk -v r="include 0 base 1 values 2 core 3 io 4 stdlib 5" '
  BEGIN { n = split(r, a, " "); for (i = 1; i < n; i += 2) rank[a[i]] = a[i + 1] }
  $1 == "D" { if (!($2 in def) || rank[$3] < rank[def[$2]]) def[$2] = $3; next }
  { use[++nu] = $0 }
  END {
    bad = 0
    for (i = 1; i <= nu; i++) {
      split(use[i], u, " ")
      if ((u[2] in def) && rank[def[u[2]]] > rank[u[3]]) {
        printf "%s.c: uses %s, defined in %s: %s may not use %s (a layer above it)\n", substr(u[4], 1, length(u[4]) - 2), u[2], def[u[2]], u[3], def[u[2]]
        bad = 1
      }
    }
    exit bad
  }' || bad=1

nobj=$(echo "$objs" | wc -w)
if [ $bad = 0 ]; then
  echo "layers: $files sources include downward only; $nobj objects use only their own and lower layers"
fi
exit $bad
