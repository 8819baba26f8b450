#!/bin/sh
# docs.sh — the numbers docs/runtime.md quotes are the ones the code uses: each check
# reads a constant from its source file and looks for the sentence of the docs that
# states it, with that value.  Prints one line per mismatch and exits 1 when any.
set -u
cd "$(dirname "$0")/../.."
status=0

# const FILE NAME: the value of `#define NAME VALUE` (or `NAME = VALUE` in an enum) in FILE
const() {
  sed -n -E "s/^[[:space:]]*(#define[[:space:]]+$2[[:space:]]+|.*[[:space:]]$2[[:space:]]*=[[:space:]]*)\(?([0-9]+).*/\2/p" "$1" | head -1
}

# says WHAT PATTERN: docs/runtime.md has a line matching PATTERN (an extended regex)
says() {
  if ! grep -qE -- "$2" docs/runtime.md; then
    echo "docs/runtime.md does not say $1 (no line matches: $2)"
    status=1
  fi
}

turns=$(const runtime/core/rt_actor.c RT_OVERLOAD_TURNS)
says "an actor is overloaded after $turns full turns (RT_OVERLOAD_TURNS)" "finishes $turns full turns in a row"
batch=$(const runtime/core/rt_actor.c RT_BATCH)
says "a turn handles up to $batch messages (RT_BATCH)" "a \*turn\*: up to $batch messages"
ring=$(const runtime/core/rt_sched.c RQ_SIZE)
says "the local ring has $ring entries (RQ_SIZE)" "a $ring-entry ring"
stack=$(sed -n -E 's/^#define RT_WORKER_STACK_BYTES \(\(size_t\)([0-9]+) << 20\).*/\1/p' runtime/base/rt_base.h)
says "worker stacks are $stack MiB (RT_WORKER_STACK_BYTES)" "get $stack MiB stacks"
delay=$(const runtime/core/rt_out.c FLUSH_AFTER_MS)
says "printed lines wait at most $delay ms (FLUSH_AFTER_MS)" "at most $delay ms"

[ -n "$turns" ] && [ -n "$batch" ] && [ -n "$ring" ] && [ -n "$stack" ] && [ -n "$delay" ] || {
  echo "docs.sh: a constant was not found in the code (renamed?)"
  status=1
}
[ $status = 0 ] && echo "docs/runtime.md's numbers match the code"
exit $status
