#!/usr/bin/env bash
# One million URLs through `fetchpipe fetch` with a 256 MiB heap, against the embedded server on
# this machine: checks that memory stays flat and every URL gets exactly one line.
# Usage: bench/million.sh [N]   (default 1000000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${1:-1000000}"
need time
build
start_serve
base="$serve_base"
awk -v n="$n" -v base="$base" 'BEGIN { for (i = 0; i < n; i++) printf "%s/bytes/%d\n", base, i % 1024 }' > "$work/urls.txt"
JAVA_OPTS="-Xmx256m" /usr/bin/time -v "$root/bin/fetchpipe" fetch -c 64 -o "$work/out.jsonl" "$work/urls.txt" \
  2> "$work/time.txt" || true
grep -E "^fetchpipe:" "$work/time.txt"
grep -E "Maximum resident set size" "$work/time.txt"
echo "lines: $(wc -l < "$work/out.jsonl"), distinct indexes: $(grep -o '"index":[0-9]*' "$work/out.jsonl" | sort -u | wc -l)"
