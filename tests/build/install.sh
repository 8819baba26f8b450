#!/bin/sh
# install.sh — `make install` gives a working compiler, runtime and standard library:
# installs into a temporary DESTDIR, then the installed actorc (finding libactorrt.a
# and the stdlib under its own prefix, with no ACTOR_* variable set) builds and runs a
# program that uses the standard library's C halves, and only .actor files are
# installed as the stdlib.  Exits 1 when anything differs.
set -u
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=/opt/actor-test
if ! make --no-print-directory -s install DESTDIR="$work/root" PREFIX=$prefix >"$work/make.out" 2>&1; then
  echo "install: make install failed"; sed 's/^/  | /' "$work/make.out" | tail -20; exit 1
fi
root=$work/root$prefix
cat >"$work/prog.actor" <<'EOF'
use std.json
use std.strings
use std.random

actor Main {
  on start() {
    let xs: [Int] = json_decode("[3, 1, 2]")
    random_seed(7)
    print("{json_encode(xs)} {replace("a-b-c", "-", "+")} {xs.len()} {random_range(5, 6)}")
  }
}
EOF
out=$(env -u ACTOR_RUNTIME -u ACTOR_STDLIB -u ACTOR_CC -u ACTOR_LDFLAGS "$root/bin/actorc" run "$work/prog.actor" 2>&1)
want="[3,1,2] a+b+c 3 5"
bad=0
if [ "$out" != "$want" ]; then
  echo "install: the installed actorc ran the program and printed:"; echo "$out" | sed 's/^/  | /'; echo "  want: $want"
  bad=1
fi
others=$(find "$root/lib/actor/stdlib" -type f ! -name '*.actor')
if [ -n "$others" ]; then
  echo "install: the installed stdlib holds more than .actor files:"; echo "$others" | sed 's/^/  /'
  bad=1
fi
n=$(find "$root/lib/actor/stdlib" -name '*.actor' | wc -l)
[ $bad = 0 ] && echo "install: bin/actorc, lib/actor/libactorrt.a and $n stdlib modules installed; a program using std.json, std.strings and std.random builds and runs"
exit $bad
