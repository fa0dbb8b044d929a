#!/usr/bin/env bash
# Memory against speed for `fetchpipe fetch` at K=64 against nginx (1 KiB on 127.0.0.1,
# keep-alive): for each N and each JAVA_OPTS variant, the rate (first request to last response),
# the whole process time, CPU per request and the max resident set size. Shows whether memory is
# flat in N (1 000 000 URLs within what 100 000 take) and what a heap or collector choice costs
# in speed, so the launcher's choice can be measured. Variants run interleaved within each N;
# every figure is the median of its repetitions. Installs nginx, curl and time when missing.
#
# Usage: bench/memory.sh [--quick] [--reps N] [--n N[,N...]] [--hosts H[,H...]] [--opts 'JAVA_OPTS']...
#                        [--pekko]
#   --quick     N=10000,100000, one repetition
#   --reps N    repetitions (default 1)
#   --n LIST    numbers of URLs (default 100000,1000000)
#   --hosts LIST  spread each N over H host names 127.2.x.y instead of one host, for each H (e.g.
#               1000,5000,30000: whether memory stays flat as the hosts outnumber the connections
#               kept idle); needs `ulimit -n` of 20 000
#   --opts 'X'  a JAVA_OPTS variant; repeat for several. The default set is: the launcher as it
#               is (empty), '-Xmx48m', '-Xmx128m', '-XX:+UseParallelGC -Xmx1g'. A collector, compiler
#               or heap setting in JAVA_OPTS replaces the launcher's own of that kind.
#   --pekko     also Pekko HTTP alone (bench/PekkoHttpPeer.java) with the same options, for scale
#   BENCH_PORT_BASE moves nginx's ports (default 18181).
# The speed column compares each variant with the first one of its N (above 1: faster).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

reps=1; ns="100000,1000000"; hosts_list=""; variants=(); pekko=""
while (($#)); do
  case "$1" in
    --quick) ns="10000,100000" ;;
    --reps) reps="$2"; shift ;;
    --n) ns="$2"; shift ;;
    --hosts) hosts_list="$2"; shift ;;
    --opts) variants+=("$2"); shift ;;
    --pekko) pekko=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
((${#variants[@]})) || variants=("" "-Xmx48m" "-Xmx128m" "-XX:+UseParallelGC -Xmx1g")

need nginx curl time
build
if [[ -n "$hosts_list" ]]; then start_nginx names; else start_nginx; fi
[[ -n "$pekko" ]] && compile_pekko_peer
median() { sort -g | awk '$1 != "-" {a[++n] = $1} END {print n ? a[int((n + 1) / 2)] : "-"}'; }

printf '| N | hosts | client | JAVA_OPTS | span | req/s | speed × | process | CPU/req | max RSS | failed |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for n_and_hosts in $(for n in ${ns//,/ }; do for h in ${hosts_list:-1}; do echo "$n:${h//,/ $n:}"; done; done); do
  n=${n_and_hosts%%:*} hosts=${n_and_hosts#*:}
  if ((hosts == 1)); then file=$(urls_one "$n" "http://127.0.0.1:$port/1k"); else file=$(urls_names "$n" "$hosts"); fi
  clients=(fetchpipe); [[ -n "$pekko" ]] && clients+=(pekko)
  declare -A runs=()
  for ((rep = 1; rep <= reps; rep++)); do
    for ((v = 0; v < ${#variants[@]}; v++)); do
      for c in "${clients[@]}"; do
        export JAVA_OPTS="${variants[v]}"
        runs[$c.$v]+="$(measure "$c" "$file" 64)"$'\n'
        unset JAVA_OPTS
      done
    done
  done
  for c in "${clients[@]}"; do
    first_span=""
    for ((v = 0; v < ${#variants[@]}; v++)); do
      col=()
      for i in 1 2 3 4 5; do col+=("$(printf '%s' "${runs[$c.$v]}" | awk -v i=$i '{print $i}' | median)"); done
      [[ -z "$first_span" ]] && first_span="${col[0]}"
      awk -v n="$n" -v hosts="$hosts" -v c="$c" -v opts="${variants[v]:-(launcher as is)}" -v first="$first_span" \
          -v span="${col[0]}" -v wall="${col[1]}" -v cpu="${col[2]}" -v rss="${col[3]}" -v failed="${col[4]}" 'BEGIN {
        num = span != "-" && span + 0 > 0
        printf "| %d | %d | %s | %s | %s | %s | %s | %.2f s | %s | %s | %s |\n", n, hosts, c == "pekko" ? "Pekko HTTP alone" : c, opts,
          num ? sprintf("%.2f s", span) : "-", num ? sprintf("%.0f", n / span) : "-",
          num && first != "-" ? sprintf("%.3f", first / span) : "-", wall,
          cpu == "-" ? "-" : sprintf("%.0f µs", cpu / n * 1e6), rss == "-" ? "-" : sprintf("%.0f MB", rss / 1024), failed }'
    done
  done
  unset runs
done
echo
machine_line
echo "repetitions: $reps (median), K=64, output -o /dev/null"
