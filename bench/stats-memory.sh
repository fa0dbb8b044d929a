#!/usr/bin/env bash
# Memory of --stats and --report: N URLs through `fetchpipe fetch` with a 256 MiB heap (as
# bench/million.sh), against the embedded server on this machine, with and without
# `--stats --report`, in alternating rounds so that the machine's load falls on both alike.
# Prints each run's summary, maximum resident set size and lines written (one per URL).
# Then the heap the figures hold over a million lines and 20 000 hosts, in one JVM.
# Usage: bench/stats-memory.sh [N] [ROUNDS]   (default 200000 URLs, 2 rounds of each)
# FETCHPIPE_ROOT=/path/to/another/checkout runs that build's bin/fetchpipe instead (built there
# first), e.g. to compare with an earlier commit: the plain runs are then bench/million.sh's.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${1:-200000}"
rounds="${2:-2}"
need time
build
launcher="${FETCHPIPE_ROOT:-$root}/bin/fetchpipe"
"$launcher" --version >/dev/null 2>&1 || true # its start-up cache is recorded now, not in a measured run
start_serve
awk -v n="$n" -v base="$serve_base" 'BEGIN { for (i = 0; i < n; i++) printf "%s/bytes/%d\n", base, i % 1024 }' \
  > "$work/urls.txt"

fetch() { # label, extra options...
  local label="$1"
  shift
  JAVA_OPTS="-Xmx256m" /usr/bin/time -v "$launcher" fetch -c 64 -o "$work/out.jsonl" "$@" "$work/urls.txt" \
    2> "$work/time.txt" || true
  local rss lines
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
  lines=$(wc -l < "$work/out.jsonl")
  printf '%-22s max RSS %7d KiB  lines %d  %s\n' "$label" "$rss" "$lines" "$(grep -E '^fetchpipe:' "$work/time.txt")"
}

for ((r = 1; r <= rounds; r++)); do
  fetch "plain (round $r)"
  fetch "stats+report (round $r)" --stats "$work/stats.json" --report "$work/report.html"
done

# The heap the figures themselves hold, in one JVM: a million lines over 20 000 hosts recorded as
# --stats/--report record them (bench/StatsMemoryProbe.java), measured after full GCs.
if [[ -z "${FETCHPIPE_ROOT:-}" ]]; then
  javac -nowarn -d "$work/probe" -cp "$root/target/fetchpipe.jar" "$root/bench/StatsMemoryProbe.java"
  java -Xmx256m -cp "$root/target/fetchpipe.jar:$work/probe" io.fetchpipe.cli.StatsMemoryProbe 1000000 20000
fi
