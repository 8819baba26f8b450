#!/bin/sh
# tests/ir.sh — the shape of generated code where the shape is the point, read from the
# LLVM IR at -O0 (no optimisation has made it so): a match on an enum value decides the
# variant with `switch` on its tag, never a chain of compares; an or-pattern of Int
# literals is one switch too; reading a record's field or an enum value's tag calls
# nothing (a load after a NULL test); a variant without fields is a static value.
cd "$(dirname "$0")/.." && . tests/lib.sh

# body FILE FN: the IR of function FN (as `define ... @FN(`) in FILE
body() { awk -v fn="@$2(" 'index($0, "define ") == 1 && index($0, fn) { on = 1 } on { print } on && /^}/ { exit }' "$1"; }

if "$ACTORC" build tests/run/match.actor --emit-llvm -O0 -o "$work/match.ll" >"$work/err" 2>&1; then
  body "$work/match.ll" fn.kind >"$work/kind"
  if [ "$(grep -c 'switch i32 %variant' "$work/kind")" -ge 1 ] && ! grep -q 'icmp [a-z]* i32 %variant' "$work/kind"; then ok; else
    bad "ir: fn.kind does not decide Token's variants with a switch on the tag"; grep -n 'variant' "$work/kind" | head -10 | sed 's/^/  | /'; fi
  body "$work/match.ll" fn.grade >"$work/grade"
  if grep -q 'switch i64' "$work/grade"; then ok; else
    bad "ir: fn.grade's or-patterns of Int literals (1 | 2 | 3) are not a switch"; head -30 "$work/grade" | sed 's/^/  | /'; fi
else
  bad "ir: build --emit-llvm of tests/run/match.actor failed"; head -5 "$work/err" | sed 's/^/  | /'
fi

cat >"$work/fields.actor" <<'SRC'
record Point(x: Int, y: Int)
enum Shape { Empty; Circle(r: Float); Rect(w: Float, h: Float) }
enum Dir { North; East }
fn getx(p: Point) -> Int { return p.x }
fn east() -> Dir { return East }
fn area(s: Shape) -> Float {
  return match s {
    Empty => 0.0
    Circle(r) => 3.0 * r * r
    Rect(w, h) => w * h
  }
}
actor Main { on start() { print(getx(Point(1, 2)) + int(area(Circle(1.0)))); print(east()) } }
SRC
if "$ACTORC" build "$work/fields.actor" --emit-llvm -O0 -o "$work/fields.ll" >"$work/err" 2>&1; then
  body "$work/fields.ll" fn.getx >"$work/getx"
  body "$work/fields.ll" fn.area >"$work/area"
  if grep -q 'load i64' "$work/getx" && ! grep -q 'call ' "$work/getx"; then ok; else
    bad "ir: reading p.x calls something"; sed 's/^/  | /' "$work/getx" | head -20; fi
  body "$work/fields.ll" fn.east >"$work/east"
  if grep -q 'ret i8\* bitcast\|ret ptr @unit' "$work/east" && ! grep -q 'call ' "$work/east"; then ok; else
    bad "ir: a variant without fields is not a static value (East allocates?)"; sed 's/^/  | /' "$work/east" | head -20; fi
  if [ "$(grep -c 'switch i32 %variant' "$work/area")" = 1 ] && ! grep -q 'icmp [a-z]* i32' "$work/area" &&
     ! grep -q 'call .*@rt_' "$work/area"; then ok; else
    bad "ir: a match over Shape's three variants is not one switch on the tag (and nothing else tested)"
    grep -n 'switch\|icmp\|call' "$work/area" | head -10 | sed 's/^/  | /'; fi
else
  bad "ir: build --emit-llvm of a record and enum program failed"; head -5 "$work/err" | sed 's/^/  | /'
fi
tally ir
