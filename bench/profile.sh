#!/usr/bin/env bash
# Where a fetch's time goes: runs one `fetchpipe fetch` (through bin/fetchpipe, so with its JVM
# options) against the bench's nginx (1 KiB, keep-alive) under Java Flight Recorder, samples each
# thread's CPU time from /proc while it runs, and prints the run's summary line, /usr/bin/time's
# figures, CPU per thread (Java names), the hottest methods by self and total samples, the same by
# component, GC, JIT and allocation (bench/JfrSummary.java), and `jfr summary`'s event counts.
# Installs nginx, curl and time when missing. JFR only: OpenJDK 17 has `jfr print` and
# `jfr summary` but not `jfr view` (JDK 21); the recording can be kept for JDK Mission Control or
# `jfr print --events jdk.ExecutionSample --stack-depth 30 FILE`.
#
# Usage: bench/profile.sh [--quick] [--n N] [-k K] [--hosts | --names H] [--sampling normal|high|max]
#                         [--top M] [--keep FILE] [--peer pekko] [-- more fetch options]
#   --quick      N=10000
#   --n N        URLs (default 100000)
#   -k K         concurrency (default 64)
#   --hosts      URLs over the 1 000 hosts of bench/run.sh's hosts row (default: one host)
#   --names H    URLs over H host names 127.2.x.y (bench/run.sh's names row)
#   --sampling   JFR's method profiling: normal (20 ms), high (10 ms, default), max (1 ms)
#   --top M      lines per list (default 25)
#   --keep FILE  keep the recording as FILE
#   --peer pekko profile Pekko HTTP alone (bench/PekkoHttpPeer.java) instead of fetchpipe, with the
#                JVM options bin/fetchpipe gives a fetch
#   JAVA_OPTS applies as to any fetch (e.g. JAVA_OPTS=-Xmx64m bench/profile.sh).
#   BENCH_PORT_BASE moves nginx's ports (default 18181).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

n=100000; k=64; spread=one; names=20000; sampling=high; top=25; keep=""; peer=fetchpipe; extra=()
while (($#)); do
  case "$1" in
    --quick) n=10000 ;;
    --n) n="$2"; shift ;;
    -k) k="$2"; shift ;;
    --hosts) spread=hosts ;;
    --names) spread=names; names="$2"; shift ;;
    --sampling) sampling="$2"; shift ;;
    --top) top="$2"; shift ;;
    --keep) keep="$2"; shift ;;
    --peer) peer="$2"; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

need nginx curl time
build
case "$spread" in
  one) start_nginx; file=$(urls_one "$n" "http://127.0.0.1:$port/1k"); where="one host" ;;
  hosts) start_nginx; file=$(urls_grid "$n"); where="1 000 hosts" ;;
  names) start_nginx names; file=$(urls_names "$n" "$names"); where="$names host names" ;;
esac

# The profile settings, with the per-thread CPU load every second rather than every 10 s.
jfr configure --input profile "method-profiling=$sampling" 'jdk.ThreadCPULoad#period=1s' \
  --output "$work/bench.jfc" >/dev/null
rec="$work/fetch.jfr"
flight="-XX:StartFlightRecording=filename=$rec,settings=$work/bench.jfc,dumponexit=true"
case "$peer" in
  fetchpipe)
    cmd=(env "JAVA_OPTS=${JAVA_OPTS:-} $flight" "$root/bin/fetchpipe" fetch -c "$k" -o /dev/null "${extra[@]}" "$file") ;;
  pekko)
    launcher_jvm_options "$k"; compile_pekko_peer
    cmd=("$launcher_java" "${launcher_jvm[@]}" "$flight" -cp "$root/target/fetchpipe.jar:$work/classes" PekkoHttpPeer "$file" "$k") ;;
  *) echo "unknown peer $peer" >&2; exit 2 ;;
esac

# Run it; /usr/bin/time's child is the JVM (bin/fetchpipe execs java), whose threads are read
# from /proc five times a second: "tid TAB name TAB utime+stime ticks", the last line per thread counts.
/usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "${cmd[@]}" > "$work/out.txt" 2>&1 &
time_pid=$!
: > "$work/threads.tsv"
jvm=""
while kill -0 "$time_pid" 2>/dev/null; do
  [[ -z "$jvm" ]] && jvm=$(pgrep -P "$time_pid" | head -1 || true)
  if [[ -n "$jvm" ]]; then
    awk '{ o = index($0, "("); c = 0
           for (i = length($0); i > 0; i--) if (substr($0, i, 1) == ")") { c = i; break }
           split(substr($0, c + 2), f, " ")
           tid = substr($0, 1, o - 2); name = substr($0, o + 1, c - o - 1)
           printf "%s\t%s\t%d\n", tid, name, f[12] + f[13] }' /proc/"$jvm"/task/*/stat >> "$work/threads.tsv" 2>/dev/null || true
  fi
  sleep 0.2
done
wait "$time_pid" || true

echo "profile: $peer, N=$n, K=$k, $where, JFR method sampling $sampling"
grep -E ' ok, [0-9]+ failed in | requests in ' "$work/out.txt" || { echo "no summary line; the run printed:"; tail -20 "$work/out.txt"; }
awk -v n="$n" 'split($0, t, " ") == 4 && t[1] ~ /^[0-9.]+$/ {
  printf "whole process %.2f s, user %.2f s + sys %.2f s = %.0f µs CPU per request, max RSS %.0f MB (with JFR running)\n",
    t[1], t[2], t[3], (t[2] + t[3]) / n * 1e6, t[4] / 1024 }' "$work/time.txt"
[[ -f "$rec" ]] || { echo "no recording was written" >&2; exit 1; }
echo
java "$root/bench/JfrSummary.java" "$rec" "$top" "$work/threads.tsv" "$(getconf CLK_TCK)"
echo
echo "jfr summary (the recording, and the counts of the events that show where time goes):"
jfr summary "$rec" | awk '/^ *(Start|Duration|Chunks|Size):/ { print }
  $1 ~ /^jdk\.(ExecutionSample|NativeMethodSample|ObjectAllocationSample|GarbageCollection|ThreadPark|JavaMonitorEnter|JavaMonitorWait|SocketRead|SocketWrite|ThreadStart|Compilation|Deoptimization|SafepointBegin)$/ { print }'
if [[ -n "$keep" ]]; then cp "$rec" "$keep"; echo "recording kept: $keep"; fi
echo
machine_line
