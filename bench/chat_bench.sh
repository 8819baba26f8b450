#!/bin/sh
# bench/chat_bench.sh — make bench-chat (and the last line of make bench): builds the
# chat sample (samples/chat) and the C client bench/chat_bench.c, starts the server on
# a port the system picks, and prints the delivered chat lines per second
# (chat_bench.c says how it counts).  Not a test: tests/load/chat_load.py checks
# delivery under load in make test.
#
#   CHAT_BENCH="1000 10 100 3" sh bench/chat_bench.sh    clients rooms messages runs
set -eu
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
build/actorc build samples/chat/chat.actor -O2 -o "$out/chat"
${CC:-cc} -O2 -o "$out/chat_bench" bench/chat_bench.c
rm -f "$out/chat.out" # (not a stale one from the last run: the redirection below is the child's)
"$out/chat" 0 >"$out/chat.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/^chat: listening on 127.0.0.1://p' "$out/chat.out" 2>/dev/null || true)
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "chat bench: the server did not start" >&2; cat "$out/chat.out" >&2; exit 1; }
# shellcheck disable=SC2086
"$out/chat_bench" "$port" ${CHAT_BENCH:-1000 10 100 3}
