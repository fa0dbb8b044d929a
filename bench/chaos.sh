#!/usr/bin/env bash
# A chaos run: one long job against `fetchpipe serve`'s /chaos route, whose answers are at random
# a reset connection, a 503 with Retry-After, a slow body or a body cut short, while processes
# are killed under it. With --retries (most URLs end ok; a few URLs reset every time and end as
# errors) and --save. Then bench/chaos_check.py checks the final file: every input index exactly
# once, no repeated line, every saved file complete with the sha256 its line gives, no stray
# file, and the exit status right.
#
#   three: a coordinator and 2 workers; a worker killed (kill -9) at 20 % of the lines (and a
#          fresh one started), the coordinator killed (kill -9) at 50 %, the job finished by a
#          new coordinator with --resume at the same address, which the surviving worker and a
#          fresh one join;
#   one:   no cluster; the job killed (kill -9) at 30 % and at 65 %, resumed twice.
#
# Usage: bench/chaos.sh [three|one] [N] [C]   (defaults three 20000 16)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mode="${1:-three}"; n="${2:-20000}"; c="${3:-16}"
[[ "$mode" == three || "$mode" == one ]] || { echo "mode: three or one" >&2; exit 2; }
build

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
lines() { [[ -f "$1" ]] && wc -l < "$1" || echo 0; }
await_lines() { # file count: waits (at most 10 minutes) until the file has count lines
  timeout 600 bash -c "until [[ \$(cat '$1' 2>/dev/null | wc -l) -ge $2 ]]; do sleep 0.05; done"
}
kill9() { # pid: kill -9, and wait until it is gone
  kill -9 "$1"
  wait "$1" 2>/dev/null || timeout 30 bash -c "while kill -0 $1 2>/dev/null; do sleep 0.05; done"
}
stamp() { echo "$(date +%T.%3N) $*"; }

start_serve
# Chances per attempt: 3 % reset, 5 % 503 with Retry-After: 1, 5 % slow (0.4 s), 3 % cut short;
# one URL in 500 resets every time. Bodies of 0 to 16 KiB, the same for the same index.
awk -v n="$n" -v base="$serve_base" 'BEGIN {
  for (i = 0; i < n; i++) {
    size = (i * 7919) % 16385
    faults = i % 500 == 499 ? "reset=1&unavailable=0&slow=0&cut=0" \
      : "reset=0.03&unavailable=0.05&slow=0.05&cut=0.03&retry-after=1&slow-ms=400"
    printf "%s/chaos/%d/%d?%s\n", base, i, size, faults
  } }' > "$work/urls.txt"
out="$work/out.jsonl"; save="$work/bodies"
options=(-c "$c" --retries 6 --backoff 100ms -t 5s --save "$save" -o "$out")
started=$(date +%s.%N)

fetch() { # log, extra options...: a fetch in the background; its pid in $fetch_pid
  local log="$1"; shift
  "$root/bin/fetchpipe" fetch "${options[@]}" "$@" "$work/urls.txt" 2> "$work/$log.err" &
  fetch_pid=$!
}
finish() { # log: waits for the fetch in the background; its exit status in $status
  status=0
  wait "$fetch_pid" || status=$?
  stamp "$1 exited $status: $(grep -E '^fetchpipe: [0-9]+ ok' "$work/$1.err" | tail -1)"
}

echo "chaos run, $mode, N=$n, -c $c per node, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ "$mode" == three ]]; then
  seed="127.0.0.1:$(free_port)"
  start_worker() { # name
    "$root/bin/fetchpipe" worker --join "$seed" -c "$c" > "$work/$1.out" 2> "$work/$1.err" &
    local pid=$!
    disown "$pid" # killed by us, quietly
    on_exit "kill -9 $pid"
    eval "$1=$pid"
    timeout 60 bash -c "until [[ -s '$work/$1.out' ]]; do sleep 0.1; done"
  }
  start_worker survivor
  start_worker victim
  fetch coordinator-1 -v --cluster "$seed" --min-workers 2
  await_lines "$out" $((n / 5))
  stamp "$(lines "$out") lines: kill -9 of a worker"
  kill9 "$victim"
  start_worker fresh
  await_lines "$out" $((n / 2))
  stamp "$(lines "$out") lines: kill -9 of the coordinator"
  kill9 "$fetch_pid"
  start_worker another
  stamp "resuming at $seed with $(lines "$out") lines"
  fetch coordinator-2 -v --cluster "$seed" --min-workers 2 --resume
  finish coordinator-2
  grep -h 'run again on others' "$work"/coordinator-*.err | sed 's/^/  coordinator: /' || true
else
  fetch run-1
  await_lines "$out" $((n * 3 / 10))
  stamp "$(lines "$out") lines: kill -9"
  kill9 "$fetch_pid"
  fetch run-2 --resume
  await_lines "$out" $((n * 65 / 100))
  stamp "$(lines "$out") lines: kill -9"
  kill9 "$fetch_pid"
  stamp "resuming with $(lines "$out") lines"
  fetch run-3 --resume
  finish run-3
fi
awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "whole run: %.1f s\n", e - s }'
if python3 "$root/bench/chaos_check.py" "$work/urls.txt" "$out" "$save" "$status"; then
  echo "chaos run ($mode): PASS"
else
  echo "chaos run ($mode): FAIL"
  exit 1
fi
