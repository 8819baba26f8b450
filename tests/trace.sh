#!/bin/sh
# tests/trace.sh — ACTOR_TRACE, ACTOR_TRACE_FILTER and ACTOR_STATS (docs/runtime.md,
# "Seeing what the actors do"), at each thread count of $THREADS:
#   * the trace of tests/trace/basic.actor (sends, an interface send, requests and
#     their then, a supervised failure and its restart, an unsupervised failure, down,
#     a dead letter, a timer, a stop), read by tests/trace/check_trace.py: every flow
#     has its two ends, every slice lies on one track and nests, the failure lies in
#     its handler's slice; the same with ACTOR_TRACE_FILTER (only those kinds);
#   * a trace stays readable however the program ends: exit() (exit.actor), a root
#     supervisor's give-up (giveup.actor), an unsupervised failure (basic, status 1),
#     SIGTERM, SIGINT and SIGHUP (closed, with the signal's instant; the program still
#     dies of the signal) and SIGKILL (what was written out is a valid prefix);
#   * every sample runs traced, and its trace holds (the chat server through its
#     transcript, stopped by SIGTERM);
#   * ACTOR_STATS=json and =1 of tests/trace/stats.actor: the counts it is written to
#     produce, per kind;
#   * bad values of the three variables stop the program with one line, status 2.
cd "$(dirname "$0")/.." && . tests/lib.sh
check="python3 tests/trace/check_trace.py"

build() { # build NAME: tests/trace/NAME.actor -> $work/NAME
  if "$ACTORC" build "tests/trace/$1.actor" -o "$work/$1" >"$work/build.out" 2>&1; then return 0; fi
  bad "tests/trace/$1.actor: build failed"; head -20 "$work/build.out" | sed 's/^/  | /'; return 1
}

# expect_run WHAT STATUS CMD...: runs CMD (output to $work/out, $work/err), wants STATUS.
expect_run() {
  what=$1 want=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  st=$?
  if [ "$st" = "$want" ]; then return 0; fi
  bad "$what: exit status $st, want $want"; head -5 "$work/err" | sed 's/^/  | /'; return 1
}

# trace_ok WHAT FILE CHECK-OPTIONS...
trace_ok() {
  what=$1 file=$2; shift 2
  if $check "$file" "$@" >"$work/check" 2>&1; then ok; else bad "$what: the trace does not hold"; head -10 "$work/check" | sed 's/^/  | /'; fi
}

if build basic; then
  for n in $THREADS; do
    t=$work/basic.$n.json
    expect_run "basic (threads=$n)" 1 env ACTOR_THREADS=$n ACTOR_TRACE=$t timeout 60 "$work/basic" &&
      trace_ok "basic (threads=$n)" "$t" --expect spawn --expect send --expect failure --expect restart --expect stop \
        --expect end --expect down --expect "dead letter" --expect-slice 'Main#1 then' --expect-slice 'Main#1 after' \
        --expect-slice 'Counter#\d+ bump' --expect-slice 'Main#1 down' --min-slices 15
    t=$work/filter.$n.json
    expect_run "basic, filtered (threads=$n)" 1 env ACTOR_THREADS=$n ACTOR_TRACE=$t ACTOR_TRACE_FILTER=Counter \
      timeout 60 "$work/basic" &&
      trace_ok "basic, ACTOR_TRACE_FILTER=Counter (threads=$n)" "$t" --kinds Counter --expect failure --expect restart \
        --expect stop --expect "dead letter" --min-slices 6
    t=$work/filter2.$n.json
    expect_run "basic, filtered (threads=$n)" 1 env ACTOR_THREADS=$n ACTOR_TRACE=$t ACTOR_TRACE_FILTER=Main,Loner \
      timeout 60 "$work/basic" &&
      trace_ok "basic, ACTOR_TRACE_FILTER=Main,Loner (threads=$n)" "$t" --kinds Main,Loner --expect failure --expect end \
        --expect down --min-slices 4
  done
fi

if build exit; then
  for n in $THREADS; do
    t=$work/exit.$n.json
    expect_run "exit (threads=$n)" 3 env ACTOR_THREADS=$n ACTOR_TRACE=$t timeout 60 "$work/exit" &&
      trace_ok "exit() (threads=$n)" "$t" --partial --expect exit --expect-slice 'Ball#\d+ hit' --min-slices 20
  done
fi

if build giveup; then
  for n in $THREADS; do
    t=$work/giveup.$n.json
    expect_run "giveup (threads=$n)" 1 env ACTOR_THREADS=$n ACTOR_TRACE=$t timeout 60 "$work/giveup" &&
      trace_ok "a root supervisor's give-up (threads=$n)" "$t" --partial --expect "give up" --expect restart --expect failure
  done
fi

# Signals: the program runs until stopped (a timer every 2 ms); stopped after 300 ms.
if build forever; then
  for n in $THREADS; do
    for sig in TERM INT HUP KILL; do
      t=$work/sig.$n.$sig.json
      env ACTOR_THREADS=$n ACTOR_TRACE=$t "$work/forever" >/dev/null 2>&1 &
      pid=$!
      sleep 0.3
      kill -$sig $pid
      { wait $pid; } 2>/dev/null
      st=$?
      case $sig in TERM) want=143 ;; INT) want=130 ;; HUP) want=129 ;; KILL) want=137 ;; esac
      if [ "$st" != "$want" ]; then bad "forever, SIG$sig (threads=$n): exit status $st, want $want"; continue; fi
      if [ $sig = KILL ]; then
        trace_ok "SIGKILL (threads=$n)" "$t" --cut --partial --min-slices 5
      else
        trace_ok "SIG$sig (threads=$n)" "$t" --partial --expect SIG$sig --expect-slice 'Main#1 every' \
          --expect-slice 'Echo#2 ping' --min-slices 20
      fi
    done
  done
fi

# Every sample, traced (they end by themselves with every flow complete), and the
# chat server through its transcript (stopped by SIGTERM: messages may be in flight).
for src in samples/*.actor samples/*/*.actor; do
  name=$(basename "$src" .actor)
  dir=$(dirname "$src")
  case "$src" in samples/chat/*) continue ;; esac
  if ! "$ACTORC" build "$src" -o "$work/$name" >"$work/build.out" 2>&1; then bad "$src: build failed"; continue; fi
  for n in $THREADS; do
    t=$work/$name.$n.json
    want=0; [ -f "$dir/$name.status" ] && want=$(tr -d ' \n' <"$dir/$name.status")
    args=""; [ -f "$dir/$name.args" ] && args=$(cat "$dir/$name.args")
    in=/dev/null; [ -f "$dir/$name.in" ] && in=$dir/$name.in
    # (pingpong and ring make hundreds of thousands of messages: only Main's are kept)
    filter=""; case $name in pingpong | ring) filter=ACTOR_TRACE_FILTER=Main ;; esac
    # shellcheck disable=SC2086
    expect_run "$src traced (threads=$n)" "$want" env ACTOR_THREADS=$n ACTOR_TRACE=$t $filter timeout 60 "$work/$name" $args <"$in" &&
      trace_ok "$src (threads=$n)" "$t" --expect send --min-slices 1
  done
done
if "$ACTORC" build samples/chat/chat.actor -o "$work/chat" >"$work/build.out" 2>&1; then
  n=${THREADS##* }
  if ACTOR_THREADS=$n ACTOR_TRACE=$work/chat.json timeout 120 python3 tests/load/chat_transcript.py "$work/chat" \
    >"$work/chat.out" 2>&1; then
    trace_ok "samples/chat traced (threads=$n)" "$work/chat.json" --partial --expect SIGTERM --expect-slice 'Session#\d+ line' \
      --min-slices 20
  else
    bad "samples/chat traced (threads=$n): transcript"; head -10 "$work/chat.out" | sed 's/^/  | /'
  fi
else
  bad "samples/chat/chat.actor: build failed"
fi

# ACTOR_STATS: the counts stats.actor is written to produce.  At one thread each
# mailbox is full before its first turn, so the deepest is known exactly (100).
if build stats; then
  for n in $THREADS; do
    expect_run "stats (threads=$n)" 0 env ACTOR_THREADS=$n ACTOR_STATS=json timeout 60 "$work/stats" || continue
    if python3 - "$work/err" "$n" >"$work/check" 2>&1 <<'EOF'; then ok; else bad "ACTOR_STATS=json (threads=$n)"; head -10 "$work/check" | sed 's/^/  | /'; fi
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
assert len(lines) == 1, lines
s = json.loads(lines[0])
k = {x["kind"]: x for x in s["kinds"]}
assert sorted(k) == ["Main", "Sup", "Worker"], k
w, m, sup = k["Worker"], k["Main"], k["Sup"]
assert (s["spawned"], s["handled"], s["dead_letters"], s["failures"], s["restarts"]) == (5, 123, 0, 1, 1), s
assert (w["spawned"], w["live"], w["handled"], w["failures"], w["restarts"]) == (3, 2, 122, 1, 1), w
assert (m["spawned"], m["live"], m["handled"], m["failures"], m["restarts"]) == (1, 1, 1, 0, 0), m
assert (sup["spawned"], sup["live"], sup["handled"]) == (1, 1, 0), sup
assert sum(x["handled"] for x in s["kinds"]) == s["handled"]
assert 0 < w["handler_mean_ns"] <= w["handler_max_ns"], w
assert 1 <= w["deepest_mailbox"] <= 100 and m["deepest_mailbox"] == 1, (w, m)
if sys.argv[2] == "1":
    assert w["deepest_mailbox"] == 100, w
EOF
  done
  expect_run "stats, text" 0 env ACTOR_THREADS=1 ACTOR_STATS=1 timeout 60 "$work/stats" &&
    if grep -q '^actor stats: actors spawned 5, messages handled 123, dead letters 0, failures 1, restarts 1$' "$work/err" &&
      grep -Eq '^actor stats: kind +spawned +live +handled +handler mean +handler max +deepest mailbox +failures +restarts$' "$work/err" &&
      grep -Eq '^actor stats: Worker +3 +2 +122 +[0-9.]+ [nmu]?s +[0-9.]+ [nmu]?s +100 +1 +1$' "$work/err"; then ok; else
      bad "ACTOR_STATS=1: the report"; sed 's/^/  | /' "$work/err"; fi
  # a trace and the stats together
  expect_run "stats, traced" 0 env ACTOR_THREADS=2 ACTOR_STATS=1 ACTOR_TRACE=$work/stats.json timeout 60 "$work/stats" &&
    trace_ok "stats.actor traced" "$work/stats.json" --expect failure --expect restart --min-slices 123
fi

# Bad values: one line naming the variable, status 2, nothing run.
if [ -f "$work/stats" ]; then
  while IFS='|' read -r var value; do
    [ -z "$var" ] && continue
    expect_run "$var=$value" 2 env $var="$value" "$work/stats" || continue
    if [ "$(wc -l <"$work/err")" = 1 ] && grep -q "^actor runtime: ${var%%=*} must be" "$work/err" && [ ! -s "$work/out" ]; then ok; else
      bad "$var=$value: want one line 'actor runtime: ${var%%=*} must be ...'"; sed 's/^/  | /' "$work/err"; fi
  done <<EOF
ACTOR_STATS|2
ACTOR_STATS|JSON
ACTOR_TRACE|/nonexistent/dir/t.json
ACTOR_TRACE_FILTER|Worker
EOF
  for f in "Nope" "Worker,,Main" "Worker Main" "9Worker"; do
    expect_run "ACTOR_TRACE_FILTER=$f" 2 env ACTOR_TRACE=$work/bad.json ACTOR_TRACE_FILTER="$f" "$work/stats" || continue
    if [ "$(wc -l <"$work/err")" = 1 ] && grep -q '^actor runtime: ACTOR_TRACE_FILTER must be' "$work/err"; then ok; else
      bad "ACTOR_TRACE_FILTER=$f: want one line"; sed 's/^/  | /' "$work/err"; fi
  done
fi

tally trace
