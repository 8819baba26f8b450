#!/bin/sh
# symbols.sh — what build/libactorrt.a exports is its public API, no more, no less:
#
#   1. every global symbol it defines is declared in a public header --
#      runtime/include/actor_rt.h or stdlib/actor_std.h -- or is main (crt1.o calls
#      it): a C file that takes the address of each, including only those headers,
#      must compile;
#   2. every function and variable those headers declare is defined in it (except
#      what generated code defines: RT_ABI_PROGRAM in actor_rt_abi.def);
#   3. every exported name has the runtime's prefix, rt_ or actor_std_ (the standard
#      library's C halves), so none can clash with a C library a program links.
#
# The runtime is compiled with -fvisibility=hidden, linked into one object and its
# hidden symbols made local (the Makefile): this checks that it worked, and that the
# headers and the library agree.  Prints the counts; exits 1 on a mismatch.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
CC=${CC:-cc}
lib=$B/libactorrt.a
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0
[ -f "$lib" ] || { echo "symbols: no $lib (build first)"; exit 1; }

# ---- what the library exports (defined, global) -------------------------------------
nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u >"$work/exported"

# ---- what the headers declare -------------------------------------------------------
printf '#include "include/actor_rt.h"\n#include "actor_std.h"\n' >"$work/pub.c"
if ! gcc -std=gnu11 -Iruntime -Istdlib -fsyntax-only -aux-info "$work/pub.aux" "$work/pub.c" 2>"$work/err"; then
  echo "symbols: the public headers do not compile alone:"; cat "$work/err"; exit 1
fi
# functions: every non-static prototype from our headers
grep -E '^/\* [^ ]*(runtime/include/actor_rt\.h|stdlib/actor_std\.h):' "$work/pub.aux" |
  sed -n 's/^\/\* [^ ]* \*\/ extern .*[ *]\([A-Za-z_][A-Za-z0-9_]*\) (.*/\1/p' | sort -u >"$work/functions"
if [ "$(wc -l <"$work/functions")" -lt 50 ]; then
  echo "symbols: found only $(wc -l <"$work/functions") functions in the public headers: this script's reading of gcc -aux-info is broken"
  exit 1
fi
# variables: `extern T a, b;` statements without a parenthesis, from the preprocessed
# headers (no comments), lines of our two files only
gcc -std=gnu11 -Iruntime -Istdlib -E "$work/pub.c" |
  awk '/^# [0-9]+ "/ { ours = ($3 ~ /(runtime\/include\/actor_rt|stdlib\/actor_std)\.h"$/); next } ours' |
  tr '\n' ' ' | tr ';' '\n' | sed -n 's/^[[:space:]]*extern \([^(]*\)$/\1/p' | tr ',' '\n' |
  sed 's/[[:space:]]*$//; s/.*[^A-Za-z0-9_]\([A-Za-z_][A-Za-z0-9_]*\)$/\1/' | sort -u >"$work/variables"
# defined by generated code, not by the runtime
sed -n 's/^RT_ABI_VAR([A-Z_]*, *\([a-z_0-9]*\),.*RT_ABI_PROGRAM.*/\1/p' runtime/include/actor_rt_abi.def >"$work/program"
sort -u "$work/functions" "$work/variables" >"$work/declared"

# ---- 1. exported => declared (compile a use of each) -----------------------------------
# thread-locals have no constant address: take those in a function instead
{
  printf '#include "include/actor_rt.h"\n#include "actor_std.h"\nvoid uses(const void **out);\nvoid uses(const void **out) {\n'
  grep -vx main "$work/exported" | sed 's/.*/  *out++ = (const void *)\&&;/'
  printf '}\n'
} >"$work/use.c"
if ! LC_ALL=C $CC -std=gnu11 -Iruntime -Istdlib -c -o "$work/use.o" "$work/use.c" 2>"$work/err"; then
  echo "symbols: libactorrt.a exports symbols no public header declares:"
  grep -o "'[A-Za-z_0-9]*' undeclared" "$work/err" | sort -u | sed 's/^/  /'
  grep -q "undeclared" "$work/err" || sed 's/^/  | /' "$work/err" | head -20
  bad=1
fi

# ---- 2. declared => exported -------------------------------------------------------------
missing=$(sort -u "$work/declared" | comm -23 - "$work/exported" | grep -vxF -f "$work/program")
if [ -n "$missing" ]; then
  echo "symbols: declared in a public header but not defined by libactorrt.a:"
  echo "$missing" | sed 's/^/  /'
  bad=1
fi

# ---- 3. prefixes ---------------------------------------------------------------------------
unprefixed=$(grep -v -e '^rt_' -e '^actor_std_' -e '^main$' "$work/exported")
if [ -n "$unprefixed" ]; then
  echo "symbols: exported without the rt_ or actor_std_ prefix:"
  echo "$unprefixed" | sed 's/^/  /'
  bad=1
fi

n=$(wc -l <"$work/exported")
nrt=$(grep -c '^rt_' "$work/exported")
nstd=$(grep -c '^actor_std_' "$work/exported")
nf=$(wc -l <"$work/functions")
nv=$(wc -l <"$work/variables")
if [ $bad = 0 ]; then
  echo "symbols: libactorrt.a exports $n symbols ($nrt rt_, $nstd actor_std_, main): exactly the $nf functions and $nv variables of the public headers (less those the program defines)"
fi
exit $bad
