#!/usr/bin/env bash
# One million URLs through `fetchpipe fetch` with a 256 MiB heap, against the embedded server on
# this machine: checks that memory stays flat and every URL gets exactly one line.
# Usage: bench/million.sh [N]   (default 1000000)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-1000000}"
work="$(mktemp -d)"
command -v /usr/bin/time >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }
[[ -f "$root/target/fetchpipe.jar" ]] || (cd "$root" && mvn -B -ntp -q -DskipTests package)
"$root/bin/fetchpipe" serve --port 0 > "$work/serve.out" 2>/dev/null &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true; rm -rf "$work"' EXIT
timeout 30 bash -c "until [[ -s '$work/serve.out' ]]; do sleep 0.1; done"
base="$(head -1 "$work/serve.out")"
awk -v n="$n" -v base="$base" 'BEGIN { for (i = 0; i < n; i++) printf "%s/bytes/%d\n", base, i % 1024 }' > "$work/urls.txt"
JAVA_OPTS="-Xmx256m" /usr/bin/time -v "$root/bin/fetchpipe" fetch -c 64 -o "$work/out.jsonl" "$work/urls.txt" \
  2> "$work/time.txt" || true
grep -E "^fetchpipe:" "$work/time.txt"
grep -E "Maximum resident set size" "$work/time.txt"
echo "lines: $(wc -l < "$work/out.jsonl"), distinct indexes: $(grep -o '"index":[0-9]*' "$work/out.jsonl" | sort -u | wc -l)"
