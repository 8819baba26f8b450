#!/bin/sh
# tests/samples.sh — the samples build and do what they should: samples/NAME.actor and
# the samples in folders of their own (samples/NAME/NAME.actor beside a README.md) run
# as golden programs against their NAME.out; the chat server, which runs until stopped,
# goes through a transcript of clients (tests/load/chat_transcript.py).  A sample builds
# without a word (no warnings).
cd "$(dirname "$0")/.." && . tests/lib.sh
for src in samples/*.actor samples/*/*.actor; do
  case "$src" in samples/chat/*) continue ;; esac
  run_case "$(dirname "$src")" "$(basename "$src" .actor)"
done
if "$ACTORC" build samples/chat/chat.actor -o "$work/chat" >"$work/build.out" 2>&1; then
  if [ -s "$work/build.out" ]; then bad "samples/chat/chat.actor: the build printed something (a warning?)"; head -5 "$work/build.out"; fi
  for n in $THREADS; do
    if ACTOR_THREADS=$n timeout 120 python3 tests/load/chat_transcript.py "$work/chat" >"$work/chat.out" 2>&1; then ok; else
      bad "samples/chat (threads=$n): transcript"; head -20 "$work/chat.out" | sed 's/^/  | /'; fi
  done
else
  bad "samples/chat/chat.actor: build failed"; head -20 "$work/build.out" | sed 's/^/  | /'
fi
tally samples
