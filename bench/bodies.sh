#!/usr/bin/env bash
# Bodies kept, memory flat: N URLs of /bytes/SIZE from `fetchpipe serve` through
# `fetchpipe fetch --save DIR` and then `--body base64`, both with JAVA_OPTS=-Xmx128m, -c 64.
# Prints each run's summary and max RSS, and checks that every URL has its line and every saved
# file its full size.
# Usage: bench/bodies.sh [N] [SIZE]   (defaults 100000 65536)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n="${1:-100000}"; size="${2:-65536}"
need time
build
start_serve
base="$serve_base"
awk -v n="$n" -v u="$base/bytes/$size" 'BEGIN { for (i = 0; i < n; i++) print u }' > "$work/urls.txt"

run() { # name, fetch options...
  local name="$1"; shift
  JAVA_OPTS="-Xmx128m" /usr/bin/time -f 'max RSS %M KB' "$root/bin/fetchpipe" fetch -c 64 "$@" \
    -o "$work/$name.jsonl" "$work/urls.txt" 2> "$work/$name.err" || true
  echo "$name: $(grep -E '^fetchpipe:' "$work/$name.err"), $(grep -E '^max RSS' "$work/$name.err")"
  echo "  lines: $(wc -l < "$work/$name.jsonl"), ok: $(grep -c '"ok":true' "$work/$name.jsonl")"
}

mkdir "$work/saved"
run save --save "$work/saved"
echo "  files: $(find "$work/saved" -name '*.body' | wc -l)," \
  "of $size bytes: $(find "$work/saved" -name '*.body' -size "${size}c" | wc -l)," \
  "others (temporary or short): $(find "$work/saved" -type f ! -size "${size}c" | wc -l)"
rm -rf "$work/saved"
run base64 --body base64
rm -f "$work/base64.jsonl"
