#!/usr/bin/env bash
# fetchpipe against the seed's aiohttp pattern and against Pekko HTTP's client used alone
# (bench/PekkoHttpPeer.java), on this machine, interleaved, median of 3. Installs what it needs
# from Debian's packages (nginx, python3-aiohttp) when missing, serves a 1 KiB file from nginx on
# 127.0.0.1 (keep-alive), and prints a table with the ratios.
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

# The Pekko HTTP peer is compiled once, so that its runs pay no compilation.
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$root/target/fetchpipe.jar" "$root/bench/PekkoHttpPeer.java"

# One run of a tool: prints "first-to-last-seconds whole-process-seconds". fetchpipe prints its
# span in its summary on stderr, the peers print theirs on stdout.
timed() { # command...
  local start end span
  start=$(date +%s.%N)
  span=$("$@" 2>&1 | sed -n 's/.* in \([0-9.]*\) s .*/\1/p' | tail -1)
  end=$(date +%s.%N)
  echo "$span $(echo "$end - $start" | bc)"
}
run_fetchpipe() { timed "$root/bin/fetchpipe" fetch -c "$2" -o /dev/null "$1"; } # file K
run_aiohttp() { timed /usr/bin/python3 "$root/bench/aiohttp_peer.py" "$1" "$2"; }
# Pekko HTTP alone, with the JVM settings bin/fetchpipe gives a fetch.
run_pekko() { timed java -Xlog:disable -XX:TieredStopAtLevel=1 -XX:+UseParallelGC \
  -cp "$root/target/fetchpipe.jar:$work/classes" PekkoHttpPeer "$1" "$2"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '| case | fetchpipe | aiohttp | Pekko HTTP alone | fetchpipe/aiohttp | fetchpipe/Pekko HTTP |\n'
printf '|---|---|---|---|---|---|\n'
bench() { # label N URL K unit(rps|makespan)
  local label="$1" n="$2" url="$3" k="$4" unit="$5" file fp=() ai=() pk=() fpw=() aiw=() pkw=()
  file=$(urls "$n" "$url")
  for _ in $(seq 1 "$reps"); do
    read -r s w < <(run_fetchpipe "$file" "$k"); fp+=("$s"); fpw+=("$w")
    read -r s w < <(run_aiohttp "$file" "$k"); ai+=("$s"); aiw+=("$w")
    read -r s w < <(run_pekko "$file" "$k"); pk+=("$s"); pkw+=("$w")
  done
  local f a p fw aw pw
  f=$(printf '%s\n' "${fp[@]}" | median); a=$(printf '%s\n' "${ai[@]}" | median); p=$(printf '%s\n' "${pk[@]}" | median)
  fw=$(printf '%s\n' "${fpw[@]}" | median); aw=$(printf '%s\n' "${aiw[@]}" | median); pw=$(printf '%s\n' "${pkw[@]}" | median)
  if [[ "$unit" == rps ]]; then
    # Ratios of rates: above 1 means fetchpipe did more requests per second.
    printf '| %s | %.0f req/s | %.0f req/s | %.0f req/s | %.2f | %.2f |\n' "$label" \
      "$(echo "$n / $f" | bc -l)" "$(echo "$n / $a" | bc -l)" "$(echo "$n / $p" | bc -l)" \
      "$(echo "$a / $f" | bc -l)" "$(echo "$p / $f" | bc -l)"
  else
    # Ratios of times: below 1 means fetchpipe took less time.
    printf '| %s | %.3f s (process %.2f s) | %.3f s (process %.2f s) | %.3f s (process %.2f s) | %.3f | %.3f |\n' \
      "$label" "$f" "$fw" "$a" "$aw" "$p" "$pw" "$(echo "$f / $a" | bc -l)" "$(echo "$f / $p" | bc -l)"
  fi
}
bench "N=$n_small, K=8 (nginx, 1 KiB)" "$n_small" "http://127.0.0.1:$port/1k" 8 rps
bench "N=$n_small, K=64 (nginx, 1 KiB)" "$n_small" "http://127.0.0.1:$port/1k" 64 rps
bench "N=$n_large, K=64 (nginx, 1 KiB)" "$n_large" "http://127.0.0.1:$port/1k" 64 rps
bench "makespan 200 x 100 ms, K=20 (ideal 1.000 s)" 200 "$delay_base/delay/0.1" 20 makespan
bench "start-up: 5 URLs, K=5 (whole process)" 5 "http://127.0.0.1:$port/1k" 5 makespan
echo
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(/usr/bin/python3 --version), repetitions: $reps (median)"
