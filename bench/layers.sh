#!/usr/bin/env bash
# Which layer of fetchpipe costs what, in one warm JVM (bench/LayerProbe.java): Pekko HTTP alone,
# fetchpipe's HTTP handler alone, a Fetcher's flow, and the whole `fetchpipe fetch`, interleaved
# round by round over the bench's nginx (1 KiB, keep-alive, one host), with the JVM options
# bin/fetchpipe gives a fetch. Installs nginx when missing.
#
# Usage: bench/layers.sh [--n N] [--rounds R] [-k K] [LAYER...]   (defaults: 30000, 8, 64, all four)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

n=30000; rounds=8; k=64; layers=()
while (($#)); do
  case "$1" in
    --n) n="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    -k) k="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) layers+=("$1") ;;
  esac
  shift
done

need nginx
build
start_nginx
launcher_jvm_options "$k"
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$root/target/fetchpipe.jar" "$root/bench/LayerProbe.java" "$root/bench/PekkoHttpPeer.java"
"$launcher_java" "${launcher_jvm[@]}" -cp "$root/target/fetchpipe.jar:$work/classes" LayerProbe \
  "http://127.0.0.1:$port/1k" "$n" "$rounds" "$k" "${layers[@]}" 2> >(grep -v -e SLF4J -e Slf4jLogger >&2)
echo "machine: $(nproc) cores, $("$launcher_java" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
