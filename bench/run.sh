#!/usr/bin/env bash
# fetchpipe against the seed's aiohttp pattern, on this machine, interleaved, median of 3.
# Installs what it needs from Debian's packages (nginx, python3-aiohttp) when missing, serves a
# 1 KiB file from nginx on 127.0.0.1 (keep-alive), and prints a table with the ratios.
# Usage: bench/run.sh [--quick]   (--quick: one repetition, smaller N)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
reps=3; n_small=20000; n_large=200000
if [[ "${1:-}" == "--quick" ]]; then reps=1; n_small=5000; n_large=20000; fi

need=()
command -v bc >/dev/null || need+=(bc)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
/usr/bin/python3 -c 'import aiohttp' 2>/dev/null || need+=(python3-aiohttp)
if ((${#need[@]})); then
  echo "installing ${need[*]}..." >&2
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
[[ -f "$root/target/fetchpipe.jar" ]] || (cd "$root" && mvn -B -ntp -q -DskipTests package)

port=18181
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/1k"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; location / { root $work; } }
}
CONF
/usr/sbin/nginx -c "$work/nginx.conf"
"$root/bin/fetchpipe" serve --port 0 > "$work/serve.out" 2>/dev/null &
serve_pid=$!
trap '/usr/sbin/nginx -c "$work/nginx.conf" -s stop 2>/dev/null || true; kill $serve_pid 2>/dev/null || true; rm -rf "$work"' EXIT
timeout 30 bash -c "until [[ -s '$work/serve.out' ]]; do sleep 0.1; done"
delay_base="$(head -1 "$work/serve.out")"

urls() { # N URL -> file
  local file="$work/urls-$1-$(echo "$2" | md5sum | cut -c1-8).txt"
  [[ -f "$file" ]] || yes "$2" | head -n "$1" > "$file"
  echo "$file"
}

# One run of each tool: prints "first-to-last-seconds whole-process-seconds".
run_fetchpipe() { # file K
  local start end span
  start=$(date +%s.%N)
  span=$("$root/bin/fetchpipe" fetch -c "$2" -o /dev/null "$1" 2>&1 >/dev/null | sed -n 's/.* in \([0-9.]*\) s .*/\1/p' | tail -1)
  end=$(date +%s.%N)
  echo "$span $(echo "$end - $start" | bc)"
}
run_aiohttp() { # file K
  local start end span
  start=$(date +%s.%N)
  span=$(/usr/bin/python3 "$root/bench/aiohttp_peer.py" "$1" "$2" | sed -n 's/.* in \([0-9.]*\) s .*/\1/p')
  end=$(date +%s.%N)
  echo "$span $(echo "$end - $start" | bc)"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '| case | fetchpipe | aiohttp | fetchpipe/aiohttp |\n|---|---|---|---|\n'
bench() { # label N URL K unit(rps|makespan)
  local label="$1" n="$2" url="$3" k="$4" unit="$5" file fp=() ai=() fpw=() aiw=()
  file=$(urls "$n" "$url")
  for _ in $(seq 1 "$reps"); do
    read -r s w < <(run_fetchpipe "$file" "$k"); fp+=("$s"); fpw+=("$w")
    read -r s w < <(run_aiohttp "$file" "$k"); ai+=("$s"); aiw+=("$w")
  done
  local f a fw aw
  f=$(printf '%s\n' "${fp[@]}" | median); a=$(printf '%s\n' "${ai[@]}" | median)
  fw=$(printf '%s\n' "${fpw[@]}" | median); aw=$(printf '%s\n' "${aiw[@]}" | median)
  if [[ "$unit" == rps ]]; then
    printf '| %s | %.0f req/s | %.0f req/s | %.2f |\n' "$label" "$(echo "$n / $f" | bc -l)" "$(echo "$n / $a" | bc -l)" "$(echo "$a / $f" | bc -l)"
  else
    printf '| %s | %.3f s (process %.2f s) | %.3f s (process %.2f s) | %.3f |\n' "$label" "$f" "$fw" "$a" "$aw" "$(echo "$f / $a" | bc -l)"
  fi
}
bench "N=$n_small, K=8 (nginx, 1 KiB)" "$n_small" "http://127.0.0.1:$port/1k" 8 rps
bench "N=$n_small, K=64 (nginx, 1 KiB)" "$n_small" "http://127.0.0.1:$port/1k" 64 rps
bench "N=$n_large, K=64 (nginx, 1 KiB)" "$n_large" "http://127.0.0.1:$port/1k" 64 rps
bench "makespan 200 x 100 ms, K=20 (ideal 1.000 s)" 200 "$delay_base/delay/0.1" 20 makespan
bench "start-up: 5 URLs, K=5 (whole process)" 5 "http://127.0.0.1:$port/1k" 5 makespan
echo
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(/usr/bin/python3 --version), repetitions: $reps (median)"
