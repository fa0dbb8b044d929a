#!/usr/bin/env bash
# Politeness as the servers see it (bench/PolitenessProbe.java): each fetch is `java -jar
# target/fetchpipe.jar fetch` in a fresh JVM with no launcher flags, as an application that embeds
# the library runs; the servers run in the probe's JVM and note every arrival on their own clock.
#
#   throttle: a server answering 429 (Retry-After: 1) whenever a host has more than 2 requests in
#             flight or more than 5 starts in the last second, two hosts; `-c 32 --adaptive`
#             against `-c 32 --retries 10`, interleaved round by round: wall time, requests, 429s
#             (all, and after the first 3 s), URLs that ended 200, requests/429s in each second.
#   rate:     `-r 10/s` over 30 URLs, RUNS fresh JVMs alone and RUNS beside two CPU burners: the
#             most arrivals any one-second window saw, per run.
#
# Usage: bench/politeness.sh [--urls N] [--rounds R] [--runs K] [throttle] [rate]
#        (defaults: 40 URLs per host, 3 rounds, 5 runs, both parts)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

urls=40; rounds=3; runs=5; parts=()
while (($#)); do
  case "$1" in
    --urls) urls="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    throttle|rate) parts+=("$1") ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
((${#parts[@]})) || parts=(throttle rate)

build
java="$(command -v java)"
mkdir -p "$work/classes"
# The servers are the tests' own (src/test/java/io/fetchpipe/testing), compiled against the jar.
javac -nowarn -d "$work/classes" -cp "$root/target/fetchpipe.jar" \
  "$root/src/test/java/io/fetchpipe/testing/PoliteServer.java" \
  "$root/src/test/java/io/fetchpipe/testing/ClockedServer.java" \
  "$root/bench/PolitenessProbe.java"
probe() { "$java" -cp "$root/target/fetchpipe.jar:$work/classes" PolitenessProbe "$@" 2> >(grep -v -e SLF4J -e Slf4jLogger -e CoordinatedShutdown >&2); }
for part in "${parts[@]}"; do
  case "$part" in
    throttle) probe throttle "$root/target/fetchpipe.jar" "$urls" "$rounds" ;;
    rate) probe rate "$root/target/fetchpipe.jar" "$runs" ;;
  esac
done
echo "machine: $(nproc) cores, $("$java" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
