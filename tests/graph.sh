#!/bin/sh
# tests/graph.sh — `actorc graph` (docs/compiler.md, "The actor graph"):
#   * the DOT text of every sample (samples/NAME.actor, samples/DIR/DIR.actor) and of
#     tests/graph/features.actor equals its golden file, tests/graph/NAME.dot;
#   * each sample's SVG (samples/NAME.svg beside samples/README.md, samples/DIR/DIR.svg
#     beside samples/DIR/README.md) was rendered from it: the same nodes;
#   * -o: a .dot file holds the same text, a .svg is rendered by Graphviz's dot, another
#     extension is refused, and a missing dot is reported; errors in the program are
#     diagnostics (status 1); a file without actor Main has a graph too.
#
# `sh tests/graph.sh --update` (make graphs) writes the golden files and the SVGs
# anew from the current samples instead: run it after changing a sample, and look at
# the difference before committing it.
cd "$(dirname "$0")/.." && . tests/lib.sh

# Every sample as "SOURCE NAME SVG".
samples() {
  for src in samples/*.actor; do n=$(basename "$src" .actor); echo "$src $n samples/$n.svg"; done
  for src in samples/*/*.actor; do d=$(dirname "$src"); n=$(basename "$d"); echo "$src $n $d/$n.svg"; done
}

if [ "${1:-}" = --update ]; then
  samples | while read -r src name svg; do
    "$ACTORC" graph "$src" >"tests/graph/$name.dot" && "$ACTORC" graph "$src" -o "$svg" && echo "$src: tests/graph/$name.dot, $svg"
  done
  "$ACTORC" graph tests/graph/features.actor >tests/graph/features.dot && echo "tests/graph/features.dot"
  exit 0
fi

# The node names of a DOT file (its quoted names before a '[') and of an SVG (dot
# writes each node's name as its <title>), sorted.
dot_nodes() { sed -n 's/^  "\([^"]*\)" \[.*/\1/p' "$1" | sort; }
svg_nodes() { grep -A1 'class="node"' "$1" | sed -n 's/.*<title>\(.*\)<\/title>.*/\1/p' | sed 's/&#45;/-/g' | sort; }

samples >"$work/samples"
echo "tests/graph/features.actor features -" >>"$work/samples"
while read -r src name svg; do
  if ! "$ACTORC" graph "$src" >"$work/$name.dot" 2>"$work/err"; then bad "actorc graph $src failed"; head -5 "$work/err" | sed 's/^/  | /'; continue; fi
  if [ ! -f "tests/graph/$name.dot" ]; then bad "$src: no golden tests/graph/$name.dot (make graphs writes it)"; continue; fi
  if diff "tests/graph/$name.dot" "$work/$name.dot" >"$work/diff"; then ok; else
    bad "actorc graph $src differs from tests/graph/$name.dot (make graphs, if the change is meant)"; head -10 "$work/diff" | sed 's/^/  | /'
  fi
  [ "$svg" = - ] && continue
  if [ ! -f "$svg" ]; then bad "$src: no $svg (make graphs renders it)"; continue; fi
  dot_nodes "$work/$name.dot" >"$work/n1"
  svg_nodes "$svg" >"$work/n2"
  if diff "$work/n1" "$work/n2" >"$work/diff"; then ok; else
    bad "$svg was not rendered from $src's graph (make graphs)"; head -6 "$work/diff" | sed 's/^/  | /'
  fi
done <"$work/samples"

# -o
src=tests/graph/features.actor
if "$ACTORC" graph $src -o "$work/f.dot" && cmp -s "$work/f.dot" tests/graph/features.dot; then ok; else bad "graph -o f.dot: not the DOT text"; fi
if "$ACTORC" graph $src -o "$work/f.svg" && grep -q '<svg' "$work/f.svg" && grep -q '<title>interface Sink\|<title>Sink</title>' "$work/f.svg"; then ok; else
  bad "graph -o f.svg: no SVG of the graph"; fi
if ! "$ACTORC" graph $src -o "$work/f.txt" 2>"$work/err" && grep -q "actorc graph writes .dot (or .gv), .svg, .png or .pdf files" "$work/err"; then ok; else
  bad "graph -o f.txt: not refused"; fi
if ! PATH=/nonexistent "$ACTORC" graph $src -o "$work/g.svg" 2>"$work/err" && grep -q "needs Graphviz's dot" "$work/err"; then ok; else
  bad "graph -o g.svg without dot: not reported"; sed 's/^/  | /' "$work/err"; fi
# errors, and a file without Main
printf 'actor A {\n  on go() { b ! go() }\n}\n' >"$work/bad.actor"
if ! "$ACTORC" graph "$work/bad.actor" >"$work/out" 2>"$work/err" && grep -q "bad.actor:2:13: error: undefined" "$work/err" && [ ! -s "$work/out" ]; then ok; else
  bad "graph of a program with errors: want its diagnostics, status 1, no graph"; sed 's/^/  | /' "$work/err"; fi
printf 'actor A {\n  on go() { self ! go() }\n}\n' >"$work/lib.actor"
if "$ACTORC" graph "$work/lib.actor" >"$work/out" 2>"$work/err" && grep -q '"A" -> "A" \[label="!go"\]' "$work/out"; then ok; else
  bad "graph of a file without Main"; sed 's/^/  | /' "$work/err" "$work/out"; fi

tally graph
