#!/bin/sh
# tests/build.sh — checks of what was built, one script each under tests/build/: the
# runtime's layers call only downward (layers.sh), libactorrt.a exports exactly its
# public API (symbols.sh), `make install` gives a working compiler (install.sh).
cd "$(dirname "$0")/.." && . tests/lib.sh
for t in tests/build/*.sh; do
  if sh "$t" >"$work/build.out" 2>&1; then ok; sed 's/^/  /' "$work/build.out"; else
    bad "$t"; head -30 "$work/build.out" | sed 's/^/  | /'; fi
done
tally build
