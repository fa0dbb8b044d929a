#!/usr/bin/env bash
# One latency-bound job on one node and on a cluster of three (a coordinator and two
# `fetchpipe worker` processes), all on this machine against `fetchpipe serve`; then the same
# cluster job with one worker killed (kill -9) a third of the way in.
# Usage: bench/cluster.sh [N] [DELAY] [C] [REPS]   (defaults 600 0.2 10 3)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${1:-600}"; delay="${2:-0.2}"; c="${3:-10}"; reps="${4:-3}"
build

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_line() { timeout 60 bash -c "until [[ -s '$1' ]]; do sleep 0.1; done"; }
span() { grep -oE ' in [0-9.]+ s ' "$1" | grep -oE '[0-9.]+'; }

start_serve
base="$serve_base"
for ((i = 0; i < n; i++)); do echo "$base/delay/$delay"; done > "$work/urls.txt"
seed="127.0.0.1:$(free_port)"

start_worker() {
  "$root/bin/fetchpipe" worker --join "$seed" -c "$c" > "$work/worker-$1.out" 2> "$work/worker-$1.err" &
  on_exit "kill $!"
  echo $! > "$work/worker-$1.pid"
  wait_line "$work/worker-$1.out"
}
start_worker 1
start_worker 2

run() { # name, options...: one fetch; prints its span and checks every URL has one ok line
  local name="$1"; shift
  "$root/bin/fetchpipe" fetch "$@" -c "$c" -o "$work/$name.jsonl" "$work/urls.txt" 2> "$work/$name.err"
  local ok; ok="$(grep -c '"ok":true' "$work/$name.jsonl" || true)"
  [[ "$ok" == "$n" ]] || { echo "$name: $ok ok lines of $n" >&2; cat "$work/$name.err" >&2; exit 1; }
  span "$work/$name.err"
}

echo "N=$n x /delay/$delay, -c $c per node, $(nproc) cores, median of $reps"
one=(); three=()
for ((r = 0; r < reps; r++)); do
  one+=("$(run one-$r)")
  three+=("$(run three-$r --cluster "$seed" --min-workers 2)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
m1="$(median "${one[@]}")"; m3="$(median "${three[@]}")"
ideal="$(awk -v n="$n" -v d="$delay" -v c="$c" 'BEGIN { printf "%.2f", n * d / c }')"
echo "one node:    ${one[*]} s (median $m1; ideal $ideal)"
echo "three nodes: ${three[*]} s (median $m3; ideal $(awk -v i="$ideal" 'BEGIN { printf "%.2f", i / 3 }'))"
awk -v a="$m1" -v b="$m3" 'BEGIN { printf "speed-up: %.2f\n", a / b }'

# kill -9 of one worker a third of the way in: every URL must still get one ok line.
"$root/bin/fetchpipe" fetch --cluster "$seed" --min-workers 2 -c "$c" -o "$work/lost.jsonl" "$work/urls.txt" \
  2> "$work/lost.err" &
coordinator=$!
timeout 60 bash -c "until [[ \$(cat '$work/lost.jsonl' 2>/dev/null | wc -l) -ge $((n / 3)) ]]; do sleep 0.05; done"
kill -9 "$(cat "$work/worker-2.pid")"
wait "$(cat "$work/worker-2.pid")" 2>/dev/null || true # no "Killed" message from this shell
wait "$coordinator"
echo "worker killed at $((n / 3)) lines: exit 0, $(grep -c '"ok":true' "$work/lost.jsonl") ok lines of $n," \
  "$(grep -o '"index":[0-9]*' "$work/lost.jsonl" | sort -u | wc -l) distinct, span $(span "$work/lost.err") s"
