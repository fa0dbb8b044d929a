#!/usr/bin/env bash
# The timeline of a worker's loss: a latency-bound job over a coordinator and two `fetchpipe
# worker` processes, all on this machine against `fetchpipe serve`; a third of the way in, one
# worker is killed (kill -9). Per run it prints, in seconds after the kill: when the coordinator
# marked the worker unreachable and handed its requests to the others (its -v log), by when
# those requests had been fetched again (at most: the longest elapsed_ms of a line with more than
# one attempt, which counts from the first attempt's start, before the kill), the last line
# written, the work that was left at the kill (the URLs without a line, at the two surviving
# nodes' rate) and the coordinator's exit; then the runs' medians.
# Usage: bench/worker-loss.sh [N] [DELAY] [C] [REPS]   (defaults 600 0.2 10 3)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${1:-600}"; delay="${2:-0.2}"; c="${3:-10}"; reps="${4:-3}"
build

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
lines() { [[ -f "$1" ]] && wc -l < "$1" || echo 0; }
# A log line's time (HH:MM:SS.mmm, today) in seconds since the epoch; nan when there is none.
log_time() { if [[ -n "$1" ]]; then date -d "$(date +%F) $1" +%s.%N; else echo nan; fi; }

start_serve
for ((i = 0; i < n; i++)); do echo "$serve_base/delay/$delay"; done > "$work/urls.txt"
seed="127.0.0.1:$(free_port)"

start_worker() { # name: a worker joining $seed; its pid in $work/NAME.pid
  "$root/bin/fetchpipe" worker --join "$seed" -c "$c" > "$work/$1.out" 2> "$work/$1.err" &
  local pid=$!
  on_exit "kill -9 $pid"
  echo "$pid" > "$work/$1.pid"
  timeout 60 bash -c "until [[ -s '$work/$1.out' ]]; do sleep 0.1; done"
}

echo "N=$n x /delay/$delay, -c $c per node, a coordinator and 2 workers, one worker killed (kill -9) at $((n / 3)) lines"
printf '%-4s %6s %12s %12s %11s %10s %10s %6s %6s  %s\n' run lines unreachable "handed back" "fetched by" \
  "last line" "work left" cost exit check
start_worker survivor
results=()
for ((r = 1; r <= reps; r++)); do
  start_worker "victim-$r"
  out="$work/lost-$r.jsonl"
  "$root/bin/fetchpipe" fetch -v --cluster "$seed" --min-workers 2 -c "$c" -o "$out" "$work/urls.txt" \
    2> "$work/coordinator-$r.err" &
  coordinator=$!
  timeout 60 bash -c "until [[ \$(cat '$out' 2>/dev/null | wc -l) -ge $((n / 3)) ]]; do sleep 0.02; done"
  at_kill="$(lines "$out")"
  killed="$(now)"
  kill -9 "$(cat "$work/victim-$r.pid")"
  wait "$(cat "$work/victim-$r.pid")" 2>/dev/null || true # no "Killed" message from this shell
  status=0
  wait "$coordinator" || status=$?
  exited="$(now)"
  last_line="$(stat -c %.9Y "$out")"
  err="$work/coordinator-$r.err"
  unreachable="$(grep -m1 'Marking node as UNREACHABLE' "$err" | cut -d' ' -f1 || true)"
  handed="$(grep -m1 'run again on others' "$err" | cut -d' ' -f1 || true)"
  jobs="$(grep -m1 'run again on others' "$err" | grep -oE '\- [0-9]+ jobs' | grep -oE '[0-9]+' || true)"
  rerun_by="$(grep -E '"attempts":([2-9]|[1-9][0-9])' "$out" | grep -oE '"elapsed_ms":[0-9.]+' | cut -d: -f2 \
    | sort -n | tail -1 || true)"
  ok="$(grep -c '"ok":true' "$out" || true)"
  distinct="$(grep -oE '"index":[0-9]+' "$out" | sort -u | wc -l)"
  check="exit $status, $ok ok of $n, $distinct distinct, ${jobs:-0} handed back"
  row="$(awk -v k="$killed" -v u="$(log_time "$unreachable")" -v h="$(log_time "$handed")" -v l="$last_line" \
      -v e="$exited" -v left="$((n - at_kill))" -v d="$delay" -v c="$c" -v by="${rerun_by:-0}" 'BEGIN {
    work = left * d / (2 * c)
    printf "%.2f %.2f %.2f %.2f %.2f %.2f %.2f", u - k, h - k, by / 1000, l - k, work, l - k - work, e - k }')"
  read -r t_unreachable t_handed t_by t_last t_work t_cost t_exit <<< "$row"
  printf '%-4s %6s %12s %12s %11s %10s %10s %6s %6s  %s\n' "$r" "$at_kill" "$t_unreachable" "$t_handed" \
    "<= $t_by" "$t_last" "$t_work" "$t_cost" "$t_exit" "$check"
  results+=("$row")
  [[ "$status" == 0 && "$ok" == "$n" && "$distinct" == "$n" ]] || { echo "run $r: wrong output" >&2; exit 1; }
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
column() { local i="$1" row; for row in "${results[@]}"; do echo "$row" | cut -d' ' -f"$i"; done; }
printf '%-4s %6s %12s %12s %11s %10s %10s %6s %6s\n' median "" "$(median $(column 1))" "$(median $(column 2))" \
  "<= $(median $(column 3))" "$(median $(column 4))" "$(median $(column 5))" "$(median $(column 6))" \
  "$(median $(column 7))"
echo "(seconds after the kill; work left: URLs without a line at the kill x $delay s / (2 nodes x $c);" \
  "cost: last line - work left)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
