#!/usr/bin/env bash
# Which layer of fetchpipe costs what, in one warm JVM (bench/LayerProbe.java): Pekko HTTP alone,
# fetchpipe's HTTP handler alone (on its connection cache, or on the candidate layers it was
# measured against), a Fetcher's flow, and the whole `fetchpipe fetch`, interleaved round by round
# over the bench's nginx (1 KiB, keep-alive), with the JVM options bin/fetchpipe gives a fetch.
# Installs nginx when missing.
#
# Usage: bench/layers.sh [--n N] [--rounds R] [-k K] [--hosts HOSTS] [LAYER...]
#   defaults: N 30000, 8 rounds (after one of warm-up), K 64, one host, layers pekko handler flow cli
#   --hosts one       every request to 127.0.0.1 (default)
#   --hosts grid      over the 1 000 hosts of bench/lib.sh (20 addresses x 50 ports), spread evenly
#   --hosts names:H   over H host names 127.2.x.y (H <= 62 500), spread evenly
#   LAYER: pekko, handler (on the connection cache), handler-pools (one Pekko host pool per host,
#          the layer before the cache: bench/HostPoolLayer.java), handler-hybrid (host pools only
#          for hosts with a backlog: bench/HybridLayer.java), flow, cli; LAYER:N (not cli) keeps at
#          most N idle connections (or pools), e.g. handler:256
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

n=30000; rounds=8; k=64; hosts=one; layers=()
while (($#)); do
  case "$1" in
    --n) n="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    -k) k="$2"; shift ;;
    --hosts) hosts="$2"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) layers+=("$1") ;;
  esac
  shift
done

need nginx
build
case "$hosts" in
  one) start_nginx; source="http://127.0.0.1:$port/1k" ;;
  grid) start_nginx; source="@$(urls_grid 1000)" ;;
  names:*) start_nginx names; source="@$(urls_names "${hosts#names:}" "${hosts#names:}")" ;;
  *) echo "--hosts: one, grid or names:H" >&2; exit 2 ;;
esac
launcher_jvm_options "$k"
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$root/target/fetchpipe.jar" "$root/bench/LayerProbe.java" "$root/bench/PekkoHttpPeer.java" \
  "$root/bench/HostPoolLayer.java" "$root/bench/HybridLayer.java"
"$launcher_java" "${launcher_jvm[@]}" -cp "$root/target/fetchpipe.jar:$work/classes" LayerProbe \
  "$source" "$n" "$rounds" "$k" "${layers[@]}" 2> >(grep -v -e SLF4J -e Slf4jLogger >&2)
echo "machine: $(nproc) cores, $("$launcher_java" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
