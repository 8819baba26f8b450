#!/bin/sh
# bench/run.sh — make bench: builds the five programs of ../shared/bench with -O2 and
# times them beside the peers (Erlang/OTP, CAF, Go, Pykka) in the same run, through
# ../shared/bench/peers/run.sh (which installs the peers from Debian's packages when
# it can).  Then bench/report.py prints medians, messages per second, peak RSS, the
# ratio to the fastest peer and the project's targets; last, the chat sample's delivered
# messages per second (bench/chat_bench.sh).
#
#   RUNS=5 sh bench/run.sh            more runs per cell (default 3, plus 1 warm-up)
#   PEERS=go,erlang sh bench/run.sh   a subset of peers; PEERS=none: this project alone
#   BENCHES=ring,spawn sh bench/run.sh
#   THREADS_SWEEP=1 sh bench/run.sh   also time the project at ACTOR_THREADS=1, 2, 8
set -eu
cd "$(dirname "$0")/.."
root=$PWD
shared=$root/../shared/bench
out=${PEERS_OUT:-$root/build/bench}
mkdir -p "$out/bin"
for b in pingpong ring counting spawn skynet; do
  "$root/build/actorc" build "$shared/$b.actor" -O2 -o "$out/bin/$b"
done
echo "built the benchmarks into $out/bin"

# The peers' script checks for Pykka from its own folder, where its pykka/ sources
# shadow the module: check from here and install the package when it is missing.
if ! (cd / && /usr/bin/python3 -c 'import pykka' 2>/dev/null) && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pykka >/dev/null 2>&1 ||
    echo "bench: could not install python3-pykka; the pykka column will fail" >&2
fi

runs=${RUNS:-3}
peers=${PEERS:-erlang,caf,caf-sharing,go,pykka}
export RUNS=$runs PEERS_OUT=$out
export PROJECT_CMD="$out/bin/{bench} {n}"
if [ "$peers" = none ]; then
  PEERS=project python3 "$shared/peers/bench.py"
elif ! PEERS="$peers,project" bash "$shared/peers/run.sh"; then
  echo "bench: the peers could not be installed or built; timing this project alone" >&2
  PEERS=project python3 "$shared/peers/bench.py"
fi
latest=$(ls -t "$out"/results/runs-*.tsv | head -1)

if [ "${THREADS_SWEEP:-0}" = 1 ]; then
  for t in 1 2 8; do
    echo "== ACTOR_THREADS=$t"
    ACTOR_THREADS=$t PEERS=project WARMUP=0 RUNS=$runs python3 "$shared/peers/bench.py" >/dev/null
    sweep=$(ls -t "$out"/results/runs-*.tsv | head -1)
    python3 "$root/bench/report.py" --project-only "$sweep" | sed "s/^/  [threads=$t] /"
  done
fi

python3 "$root/bench/report.py" "$latest"

# The chat sample: delivered messages per second over TCP (make bench-chat alone).
sh "$root/bench/chat_bench.sh" | tail -1
