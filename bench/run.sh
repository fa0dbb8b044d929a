#!/usr/bin/env bash
# fetchpipe against the seed's aiohttp pattern (bench/aiohttp_peer.py), against Pekko HTTP's
# client used alone (bench/PekkoHttpPeer.java) and against curl, on this machine, interleaved,
# median of 3. Installs what it needs from Debian's packages (nginx, python3-aiohttp, curl, time)
# when missing, serves a 1 KiB file from nginx on loopback (keep-alive; hosts in bench/lib.sh),
# and prints a markdown table, then the issue's targets with the figures that decide them.
#
# Usage: bench/run.sh [--quick] [--reps N] [--only ROW[,ROW...]] [--peers PEER[,PEER...]]
#                     [--n-small N] [--n-large N] [--n-hosts N] [--n-crawl N] [--n-names N]
#                     [--names H] [--n-short N] [--short-names H] [--grouped]
#   --quick      one repetition and smaller N (small 2000, large 10000, hosts 4000, names 10000
#                over 2000 names, the short names rows 3000 over 1500); the targets then only
#                show the shape, not the verdict
#   --reps N     repetitions per row (default 3); every figure is the median of its own column
#   --only ROWS  rows to run, by name (default all, in this order):
#                  small8    N=n-small (20 000), K=8, one host
#                  small64   N=n-small, K=64, one host
#                  large     N=n-large (100 000), K=64, one host
#                  hosts     N=n-hosts (20 000), K=64, over 1 000 hosts (20 addresses x 50 ports)
#                  crawl     N=n-crawl (5 000), K=64, over the same 1 000 hosts (5 per host)
#                  names     N=n-names (100 000), K=64, over H (20 000) host names 127.2.x.y
#                  names30k  N=n-short (30 000), K=64, over short-names (15 000) host names 127.2.x.y
#                  resolved  N=n-short, K=64, over short-names names hNNN.fetchpipe.test that every
#                            client looks up through a local dnsmasq (bench/lib.sh; needs root;
#                            not run by default: add it with --only)
#                  makespan  200 x /delay/0.1 from `fetchpipe serve`, K=20 (ideal 1.000 s)
#                  startup   5 URLs, K=5, one host (whole process)
#   --peers P    clients to run (default fetchpipe,pekko,aiohttp,curl); fetchpipe always runs,
#                as every ratio is fetchpipe's against a peer. curl runs on the nginx rows only.
#   --grouped    consecutive URLs share a host (default: spread evenly, the i-th URL's host is
#                i mod the number of hosts)
#   BENCH_PORT_BASE moves nginx's ports (default 18181). The names rows open a connection per
#   request at K=64 over thousands of hosts: they need `ulimit -n` of 20 000 or more.
#
# How each figure is measured, per run of a client (every client under /usr/bin/time):
#   span       first request to last response, as the client reports it: fetchpipe's summary
#              line, the peers' own line; curl reports none (its cells show "-")
#   req/s      N / span; for curl N / whole process (marked "(process)")
#   process    the whole process, start to exit
#   CPU/req    (user + sys) / N from /usr/bin/time, whole process, start-up included
#   max RSS    /usr/bin/time's %M
#   speed ×    fetchpipe's speed over the peer's: the peer's time / fetchpipe's (above 1:
#              fetchpipe faster), by span, or by whole process for curl and the start-up row
#   CPU ×, RSS ×   fetchpipe's over the peer's (below 1: fetchpipe uses less)
# curl runs as `curl -Z --parallel-max K -s --no-progress-meter -w '%{response_code}\n' -K CONFIG`,
# CONFIG giving each URL `output = "/dev/null"`; a URL without a 3-digit code counts as failed.
# Clients run one after another within a repetition (fetchpipe, Pekko HTTP alone, aiohttp, curl),
# repetitions one after another. Pekko HTTP alone runs on the JDK and with the JVM options
# bin/fetchpipe gives a fetch of the same input (from the launcher's dry run, so JAVA_OPTS applies to both), without
# its start-up cache; aiohttp's connector has limit K and no per-host limit, like fetchpipe without --per-host.
# Other work on the machine skews every figure (the machine line shows the load average); before
# a run whose numbers count, `java bench/CpuSteadiness.java 20` shows whether the CPU is steady.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

reps=3; n_small=20000; n_large=100000; n_hosts=20000; n_crawl=5000; n_names=100000; names=20000
n_short=30000; short_names=15000
only="small8,small64,large,hosts,crawl,names30k,names,makespan,startup"
peers="fetchpipe,pekko,aiohttp,curl"; grouped=""; quick=""
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
  case "$1" in
    --quick) quick=1; reps=1; n_small=2000; n_large=10000; n_hosts=4000; n_names=10000; names=2000
             n_short=3000; short_names=1500 ;;
    --reps) reps="$2"; shift ;;
    --only) only="$2"; shift ;;
    --peers) peers="fetchpipe,$2"; shift ;;
    --n-small) n_small="$2"; shift ;;
    --n-large) n_large="$2"; shift ;;
    --n-hosts) n_hosts="$2"; shift ;;
    --n-crawl) n_crawl="$2"; shift ;;
    --n-names) n_names="$2"; shift ;;
    --names) names="$2"; shift ;;
    --n-short) n_short="$2"; shift ;;
    --short-names) short_names="$2"; shift ;;
    --grouped) grouped=grouped ;;
    -h|--help) usage ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
  shift
done
selected() { [[ ",$only," == *",$1,"* ]]; }
has_peer() { [[ ",$peers," == *",$1,"* ]]; }
for row in ${only//,/ }; do
  [[ ",small8,small64,large,hosts,crawl,names30k,names,resolved,makespan,startup," == *",$row,"* ]] || { echo "unknown row $row" >&2; usage; }
done
((names <= 62500 && short_names <= 62500)) || { echo "--names, --short-names: at most 62500" >&2; exit 2; }
if selected names || selected names30k || selected resolved; then
  (($(ulimit -n) >= 20000)) || ulimit -n 20000 2>/dev/null || echo "warning: ulimit -n is $(ulimit -n); the names rows need 20 000" >&2
fi

need nginx aiohttp curl time
if selected resolved; then need dnsmasq; fi
build
if selected names || selected names30k || selected resolved; then start_nginx names; else start_nginx; fi
if selected resolved; then start_dnsmasq; fi
if selected makespan; then start_serve; fi
if has_peer pekko; then launcher_jvm_options 64; compile_pekko_peer; fi

results="$work/results.tsv" # row client N span wall cpu rss failed (medians)
: > "$results"
median() { sort -g | awk '$1 != "-" {a[++n] = $1} END {print n ? a[int((n + 1) / 2)] : "-"}'; }
worst() { awk '$1 != "-" && ($1 + 0 > m + 0 || m == "") {m = $1} END {print m == "" ? "-" : m}'; }

printf '| case | client | span | req/s | process | CPU/req | max RSS | speed × | CPU × | RSS × |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
bench() { # row label N url_file K kind(rate|makespan|startup) nginx(yes|no) [wrap...]
  local row="$1" label="$2" n="$3" file="$4" k="$5" kind="$6" on_nginx="$7" clients=() c rep wrap=("${@:8}")
  for c in fetchpipe pekko aiohttp curl; do
    has_peer "$c" || continue
    [[ "$c" == curl && "$on_nginx" != yes ]] && continue
    clients+=("$c")
  done
  declare -A runs=()
  for ((rep = 1; rep <= reps; rep++)); do
    for c in "${clients[@]}"; do runs[$c]+="$(measure "$c" "$file" "$k" "${wrap[@]}")"$'\n'; done
  done
  for c in "${clients[@]}"; do
    local col=() i
    for i in 1 2 3 4; do col+=("$(printf '%s' "${runs[$c]}" | awk -v i=$i '{print $i}' | median)"); done
    col+=("$(printf '%s' "${runs[$c]}" | awk '{print $5}' | worst)")
    printf '%s\t%s\t%s\t%s\n' "$row" "$c" "$n" "${col[*]}" >> "$results"
  done
  awk -F'\t' -v row="$row" -v label="$label" -v kind="$kind" -v reps="$reps" '
    BEGIN { title["fetchpipe"] = "fetchpipe"; title["pekko"] = "Pekko HTTP alone"; title["aiohttp"] = "aiohttp"; title["curl"] = "curl" }
    $1 == row { split($4, f, " "); c = $2; order[++m] = c; n = $3; span[c] = f[1]; wall[c] = f[2]; cpu[c] = f[3]; rss[c] = f[4]; failed[c] = f[5] }
    function time_of(c) { return (kind == "startup" || span[c] == "-") ? wall[c] : span[c] }
    function ratio(a, b, fmt) { return (a == "-" || b == "-" || b + 0 == 0) ? "-" : sprintf(fmt, a / b) }
    END {
      for (j = 1; j <= m; j++) {
        c = order[j]
        s = span[c] == "-" ? "-" : sprintf("%.3f s", span[c])
        rate = span[c] != "-" ? sprintf("%.0f", n / span[c]) : (wall[c] != "-" ? sprintf("%.0f (process)", n / wall[c]) : "-")
        if (failed[c] != "0") rate = rate sprintf(" (%s failed)", failed[c])
        cpureq = cpu[c] == "-" ? "-" : sprintf("%.0f µs", cpu[c] / n * 1e6)
        mem = rss[c] == "-" ? "-" : sprintf("%.0f MB", rss[c] / 1024)
        if (c == "fetchpipe") { sp = "—"; cr = "—"; rr = "—" }
        else {
          sp = ratio(time_of(c), time_of("fetchpipe"), "%.2f")
          if (span[c] == "-" && kind != "startup" && sp != "-") sp = sp " (process)"
          cr = ratio(cpu["fetchpipe"], cpu[c], "%.2f"); rr = ratio(rss["fetchpipe"], rss[c], "%.2f")
        }
        printf "| %s | %s | %s | %s | %.2f s | %s | %s | %s | %s | %s |\n", j == 1 ? label : "", title[c], s, rate, wall[c], cpureq, mem, sp, cr, rr
      }
    }' "$results"
}

hosts_per=$(( (n_crawl + 999) / 1000 ))
if selected small8; then bench small8 "N=$n_small, K=8, one host" "$n_small" "$(urls_one "$n_small" "http://127.0.0.1:$port/1k")" 8 rate yes; fi
if selected small64; then bench small64 "N=$n_small, K=64, one host" "$n_small" "$(urls_one "$n_small" "http://127.0.0.1:$port/1k")" 64 rate yes; fi
if selected large; then bench large "N=$n_large, K=64, one host" "$n_large" "$(urls_one "$n_large" "http://127.0.0.1:$port/1k")" 64 rate yes; fi
if selected hosts; then bench hosts "N=$n_hosts, K=64, 1 000 hosts" "$n_hosts" "$(urls_grid "$n_hosts" $grouped)" 64 rate yes; fi
if selected crawl; then bench crawl "crawl: N=$n_crawl, K=64, 1 000 hosts ($hosts_per per host)" "$n_crawl" "$(urls_grid "$n_crawl" $grouped)" 64 rate yes; fi
if selected names30k; then bench names30k "N=$n_short, K=64, $short_names host names" "$n_short" "$(urls_names "$n_short" "$short_names" $grouped)" 64 rate yes; fi
if selected names; then bench names "N=$n_names, K=64, $names host names" "$n_names" "$(urls_names "$n_names" "$names" $grouped)" 64 rate yes; fi
if selected resolved; then bench resolved "N=$n_short, K=64, $short_names names looked up (dnsmasq)" "$n_short" "$(urls_resolved "$n_short" "$short_names" $grouped)" 64 rate yes "${resolving[@]}"; fi
if selected makespan; then bench makespan "makespan 200 × /delay/0.1, K=20 (ideal 1.000 s)" 200 "$(urls_one 200 "$serve_base/delay/0.1")" 20 makespan no; fi
if selected startup; then bench startup "start-up: 5 URLs, K=5 (whole process)" 5 "$(urls_one 5 "http://127.0.0.1:$port/1k")" 5 startup yes; fi
echo
machine_line
echo "repetitions: $reps (median), URL order: ${grouped:-spread}, Pekko HTTP alone's JVM: ${launcher_java:-(not run)} ${launcher_jvm[*]:-} (bin/fetchpipe's for each row's input; printed: the last row's)"

# The targets, from the rows that ran (fetchpipe against Pekko HTTP alone and aiohttp, and the
# figures of the one-host row before the connection cache).
echo
if [[ -n "$quick" ]]; then echo "Targets (--quick: smaller N than the targets are set for; shape only):"; else echo "Targets:"; fi
awk -F'\t' '
  { split($4, f, " "); k = $1 SUBSEP $2; n[$1] = $3; span[k] = f[1]; wall[k] = f[2]; cpu[k] = f[3]; rss[k] = f[4]; fail[k] = f[5]; ran[k] = 1 }
  function v(x, target, better) { return x == "-" ? "no figure" : ((better == "min" ? x + 0 >= target : x + 0 <= target) ? "met" : "NOT met") }
  function speed(row, peer) { k = row SUBSEP peer; kf = row SUBSEP "fetchpipe"
    return (span[k] == "-" || span[kf] == "-" || span[kf] + 0 == 0) ? "-" : span[k] / span[kf] }
  function show(text, x, fmt, target, better) {
    printf "- %s: %s (target %s %s): %s\n", text, x == "-" ? "-" : sprintf(fmt, x), better == "min" ? ">=" : "<=", target, v(x, target, better) }
  function failed_of(row) { return fail[row SUBSEP "fetchpipe"] }
  END {
    if (("large" SUBSEP "pekko") in ran) {
      show("speed vs Pekko HTTP alone, N=" n["large"] " one host", speed("large", "pekko"), "%.3f", 0.88, "min")
      c = cpu["large" SUBSEP "pekko"] + 0 ? cpu["large" SUBSEP "fetchpipe"] / cpu["large" SUBSEP "pekko"] : "-"
      show("CPU per request vs Pekko HTTP alone, N=" n["large"], c, "%.3f", 1.10, "max")
    }
    if (("large" SUBSEP "fetchpipe") in ran) {
      show("CPU per request, N=" n["large"] " one host (µs; before the connection cache: 103)", cpu["large" SUBSEP "fetchpipe"] / n["large"] * 1e6, "%.1f", 103, "max")
      show("max RSS, N=" n["large"] " K=64 (MB)", rss["large" SUBSEP "fetchpipe"] / 1024, "%.0f", 160, "max")
    }
    if (("hosts" SUBSEP "pekko") in ran) show("speed vs Pekko HTTP alone, N=" n["hosts"] " over 1 000 hosts", speed("hosts", "pekko"), "%.3f", 0.97, "min")
    if (("crawl" SUBSEP "aiohttp") in ran) show("crawl speed vs aiohttp, N=" n["crawl"], speed("crawl", "aiohttp"), "%.3f", 1, "min")
    split("names30k names resolved", rows, " ")
    for (r = 1; r <= 3; r++) {
      row = rows[r]
      if (!((row SUBSEP "fetchpipe") in ran)) continue
      if ((row SUBSEP "aiohttp") in ran) show(row ": speed vs aiohttp, N=" n[row], speed(row, "aiohttp"), "%.3f", 1, "min")
      show(row ": failed lines, N=" n[row], failed_of(row), "%d", 0, "max")
      show(row ": max RSS (MB), N=" n[row], rss[row SUBSEP "fetchpipe"] / 1024, "%.0f", 300, "max")
    }
    if (("makespan" SUBSEP "fetchpipe") in ran) show("makespan, first to last (s)", span["makespan" SUBSEP "fetchpipe"], "%.3f", 1.15, "max")
    if (("startup" SUBSEP "fetchpipe") in ran) show("5 URLs, whole process (s)", wall["startup" SUBSEP "fetchpipe"], "%.2f", 0.4, "max")
  }' "$results"
echo "(memory flat in N and the heap/collector choice: bench/memory.sh)"
