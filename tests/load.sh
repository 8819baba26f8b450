#!/bin/sh
# tests/load.sh — the chat server under 1000 concurrent clients: every message
# delivered, memory flat across rounds (tests/load/chat_load.py; prints its numbers).
cd "$(dirname "$0")/.." && . tests/lib.sh
if "$ACTORC" build samples/chat/chat.actor -o "$work/chat" >"$work/build.out" 2>&1 &&
   timeout 300 python3 tests/load/chat_load.py "$work/chat" >"$work/load.out" 2>&1; then
  ok; sed 's/^/  /' "$work/load.out"
else
  bad "load: the chat server under 1000 clients"; tail -20 "$work/load.out" "$work/build.out" 2>/dev/null | sed 's/^/  | /'
fi
tally load
