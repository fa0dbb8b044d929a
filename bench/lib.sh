# Shared set-up of the benchmark scripts (run.sh, memory.sh, profile.sh, bodies.sh, million.sh,
# cluster.sh); sourced, not run.
# Gives: $root, a temporary work dir $work removed on exit, Debian packages installed on demand,
# the jar built if missing, nginx serving 1 KiB on many loopback hosts, URL files, and the JVM
# options bin/fetchpipe gives a fetch (for the Pekko HTTP peer).
#
# Hosts nginx serves (ports move with BENCH_PORT_BASE, default 18181):
#   one host:   127.0.0.1:BASE
#   1 000 hosts: 127.0.1.1 .. 127.0.1.20, each on ports BASE+19 .. BASE+68 (20 x 50 listening sockets)
#   names:      any 127.2.x.y on port BASE+119. Linux routes all of 127.0.0.0/8 to loopback, so
#               every such address is a distinct host to a client with no DNS or /etc/hosts
#               change; the one socket behind them listens on all addresses (0.0.0.0), answers
#               only peers in 127.0.0.0/8 and exists only while a script that asked for it runs.
#   resolved:   any hNNN.fetchpipe.test on the names port: names a client must look up. A local
#               dnsmasq (Debian's package, installed on demand) on 127.3.0.53:53 answers every
#               *.fetchpipe.test with 127.0.0.1 and nothing else; the clients run in a mount
#               namespace of their own (unshare -m, as root) where /etc/resolv.conf names only it,
#               so each looks names up the way it does by default (glibc's resolver: fetchpipe
#               through the JDK, Pekko HTTP alone through Pekko's inet-address resolver, aiohttp
#               through its threaded getaddrinfo) while the machine's own /etc/resolv.conf and
#               /etc/hosts stay untouched.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
chmod 755 "$work" # nginx's workers may run as another user
cleanups=()
cleanup() {
  local i
  for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
on_exit() { cleanups+=("$1"); }

port_base="${BENCH_PORT_BASE:-18181}"
port=$port_base                  # the one-host server
grid_port=$((port_base + 19))    # first port of the 1 000-host grid
grid_addresses=20 grid_ports=50  # 20 addresses x 50 ports = 1 000 hosts
names_port=$((port_base + 119))  # the many-names server

# Installs Debian packages for whatever of the given commands is missing: bc, nginx, aiohttp
# (python3-aiohttp), curl, time (/usr/bin/time).
need() {
  local missing=() what
  for what in "$@"; do
    case "$what" in
      nginx) command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx) ;;
      aiohttp) /usr/bin/python3 -c 'import aiohttp' 2>/dev/null || missing+=(python3-aiohttp) ;;
      time) [[ -x /usr/bin/time ]] || missing+=(time) ;;
      dnsmasq) [[ -x /usr/sbin/dnsmasq ]] || missing+=(dnsmasq-base) ;;
      *) command -v "$what" >/dev/null || missing+=("$what") ;;
    esac
  done
  if ((${#missing[@]})); then
    echo "installing ${missing[*]}..." >&2
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
  fi
}

# Builds the shaded jar if missing, and lets the launcher record its class-data archive now
# rather than inside the first measured run.
build() {
  [[ -f "$root/target/fetchpipe.jar" ]] || (cd "$root" && mvn -B -ntp -q -DskipTests package)
  "$root/bin/fetchpipe" --version >/dev/null 2>&1 || true
}

# Starts nginx serving $work/www/1k (1 KiB) on the one host and the 1 000-host grid; with
# "names", on the many-names socket too.
start_nginx() { # [names]
  local nofile conns a p
  mkdir -p "$work/www" "$work/nginx-tmp"
  head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/1k"
  chmod -R a+rX "$work/www"
  nofile=$(ulimit -Hn); [[ "$nofile" == unlimited || "$nofile" -gt 65536 ]] && nofile=65536
  conns=$((nofile - 2048))
  {
    echo "worker_processes 1;"
    echo "worker_rlimit_nofile $nofile;"
    echo "pid $work/nginx.pid;"
    echo "error_log $work/nginx-error.log;"
    echo "events { worker_connections $conns; }"
    echo "http {"
    echo "  access_log off;"
    echo "  keepalive_requests 1000000;"
    for p in client_body proxy fastcgi uwsgi scgi; do echo "  ${p}_temp_path $work/nginx-tmp/$p;"; done
    echo "  root $work/www;"
    echo "  server { listen 127.0.0.1:$port; }"
    echo "  server {"
    for ((a = 1; a <= grid_addresses; a++)); do
      for ((p = grid_port; p < grid_port + grid_ports; p++)); do echo "    listen 127.0.1.$a:$p;"; done
    done
    echo "  }"
    if [[ "${1:-}" == names ]]; then
      echo "  server { listen $names_port; allow 127.0.0.0/8; deny all; }"
    fi
    echo "}"
  } > "$work/nginx.conf"
  if ! /usr/sbin/nginx -c "$work/nginx.conf" 2>"$work/nginx-start.log"; then
    cat "$work/nginx-start.log" >&2
    echo "nginx did not start (a port in use? set BENCH_PORT_BASE to move them)" >&2
    exit 1
  fi
  on_exit "/usr/sbin/nginx -c '$work/nginx.conf' -s stop"
  local url
  for url in "http://127.0.0.1:$port/1k" "http://127.0.1.20:$((grid_port + grid_ports - 1))/1k" \
      ${1:+"http://127.2.0.1:$names_port/1k"}; do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" != 200 ]]; then
      echo "nginx does not answer 200 for $url (see $work/nginx-error.log)" >&2
      exit 1
    fi
  done
}

# Starts dnsmasq answering *.fetchpipe.test with 127.0.0.1 on 127.3.0.53:53, writes a
# resolv.conf naming only it, and sets the array $resolving: the command prefix that runs a client
# with that resolv.conf in a mount namespace of its own. Needs root (port 53, unshare, mount).
resolving=()
start_dnsmasq() {
  if ((EUID != 0)); then echo "resolved names need root (dnsmasq on port 53, unshare -m)" >&2; exit 1; fi
  /usr/sbin/dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --no-poll --bind-interfaces \
    --listen-address=127.3.0.53 --port=53 --address=/fetchpipe.test/127.0.0.1 --cache-size=10000 \
    --pid-file="$work/dnsmasq.pid" --log-facility="$work/dnsmasq.log" 2>"$work/dnsmasq-start.log" || {
    cat "$work/dnsmasq-start.log" >&2; echo "dnsmasq did not start (127.3.0.53:53 in use?)" >&2; exit 1; }
  on_exit "kill \$(cat '$work/dnsmasq.pid')"
  printf 'nameserver 127.3.0.53\noptions ndots:1 timeout:1 attempts:2\n' > "$work/resolv.conf"
  resolving=(unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$work/resolv.conf")
  if [[ "$("${resolving[@]}" getent ahostsv4 h1.fetchpipe.test | head -1 | cut -d' ' -f1)" != 127.0.0.1 ]]; then
    echo "dnsmasq does not answer for h1.fetchpipe.test (see $work/dnsmasq.log)" >&2
    exit 1
  fi
}

# Starts `fetchpipe serve` (for /delay); sets $serve_base to its base URL.
start_serve() {
  "$root/bin/fetchpipe" serve --port 0 > "$work/serve.out" 2>/dev/null &
  on_exit "kill $!"
  timeout 60 bash -c "until [[ -s '$work/serve.out' ]]; do sleep 0.1; done"
  serve_base="$(head -1 "$work/serve.out")"
}

# URL files (made once per argument list, printed as a path).
# urls_one N URL                 N times URL
# urls_grid N [grouped]          N URLs over the 1 000 hosts, spread evenly: host i mod 1000 for
#                                the i-th URL, or with "grouped" the same host for consecutive URLs
# urls_names N H [grouped]       N URLs over H host names 127.2.x.y (H <= 62 500)
# urls_resolved N H [grouped]    N URLs over H names hNNN.fetchpipe.test (start_dnsmasq resolves them)
urls_one() {
  local file="$work/urls-one-$1-$(echo "$2" | md5sum | cut -c1-8).txt"
  [[ -f "$file" ]] || yes "$2" | head -n "$1" > "$file"
  echo "$file"
}
urls_grid() {
  local file="$work/urls-grid-$1-${2:-spread}.txt"
  [[ -f "$file" ]] || awk -v n="$1" -v grouped="${2:-}" -v port="$grid_port" -v ports="$grid_ports" 'BEGIN {
    hosts = 1000; per = int((n + hosts - 1) / hosts)
    for (i = 0; i < n; i++) {
      h = grouped ? int(i / per) : i % hosts
      printf "http://127.0.1.%d:%d/1k\n", int(h / ports) + 1, port + h % ports
    } }' > "$file"
  echo "$file"
}
urls_names() { urls_spread names "$@"; }
urls_resolved() { urls_spread resolved "$@"; }
urls_spread() { # names|resolved N H [grouped]
  local file="$work/urls-$1-$2-$3-${4:-spread}.txt"
  [[ -f "$file" ]] || awk -v kind="$1" -v n="$2" -v hosts="$3" -v grouped="${4:-}" -v port="$names_port" 'BEGIN {
    per = int((n + hosts - 1) / hosts)
    for (i = 0; i < n; i++) {
      h = grouped ? int(i / per) : i % hosts
      if (kind == "names") printf "http://127.2.%d.%d:%d/1k\n", int(h / 250), h % 250 + 1, port
      else printf "http://h%d.fetchpipe.test:%d/1k\n", h, port
    } }' > "$file"
  echo "$file"
}

# The java and the JVM options bin/fetchpipe gives a fetch at concurrency K of URL_FILE (the JDK
# it picks, its compiler, collector and heap choice, JAVA_OPTS), minus its start-up cache, which
# belongs to its own class path: found with the launcher's dry run (FETCHPIPE_DRY_RUN=1 prints the
# command line). Sets $launcher_java and the array $launcher_jvm.
launcher_jvm_options() { # K [URL_FILE]: the compiler depends on the input's size and hosts
  local args=() arg
  mapfile -t args < <(FETCHPIPE_DRY_RUN=1 "$root/bin/fetchpipe" fetch -c "$1" -q -o /dev/null "${2:-/dev/null}")
  launcher_java="${args[0]:-java}"
  launcher_jvm=()
  for arg in "${args[@]:1}"; do
    [[ "$arg" == -jar ]] && break
    [[ "$arg" == -XX:SharedArchiveFile=* || "$arg" == -Xshare:* || "$arg" == -XX:AOTCache=* || "$arg" == -Xlog:aot* ]] && continue
    launcher_jvm+=("$arg")
  done
}

# Compiles bench/PekkoHttpPeer.java once, so that its runs pay no compilation.
compile_pekko_peer() {
  mkdir -p "$work/classes"
  javac -nowarn -d "$work/classes" -cp "$root/target/fetchpipe.jar" "$root/bench/PekkoHttpPeer.java"
}

# One run of a client under /usr/bin/time. Prints
#   span wall cpu rss failed
# span: first request to last response in s, as the client reports it ("-" if it does not: curl);
# wall: whole process in s; cpu: user+sys in s; rss: max resident set in KiB; failed: requests
# the client counted as failed ("-" if it reported nothing, e.g. when it crashed).
# Clients: fetchpipe, aiohttp, pekko (needs compile_pekko_peer; runs with launcher_jvm_options K), curl.
measure() { # client url_file K [wrap...]: the command runs under the wrap (e.g. "${resolving[@]}")
  local client="$1" file="$2" k="$3" cmd start end wrap=("${@:4}")
  case "$client" in
    fetchpipe) cmd=("$root/bin/fetchpipe" fetch -c "$k" -o /dev/null "$file") ;;
    aiohttp) cmd=(/usr/bin/python3 "$root/bench/aiohttp_peer.py" "$file" "$k") ;;
    pekko) launcher_jvm_options "$k" "$file"; cmd=("$launcher_java" "${launcher_jvm[@]}" -cp "$root/target/fetchpipe.jar:$work/classes" PekkoHttpPeer "$file" "$k") ;;
    curl)
      [[ -f "$file.curl" ]] || awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' "$file" > "$file.curl"
      # -o /dev/null per URL, in the config; curl 7.88 draws its parallel progress meter despite
      # -s, hence --no-progress-meter.
      cmd=(curl -Z --parallel-max "$k" -s --no-progress-meter -w '%{response_code}\n' -K "$file.curl") ;;
    *) echo "unknown client $client" >&2; return 1 ;;
  esac
  start=$(date +%s.%N)
  # curl's stdout is its codes, one line per URL; its messages go elsewhere.
  local err="$work/client.out"
  [[ "$client" == curl ]] && err="$work/client.err"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "${wrap[@]}" "${cmd[@]}" > "$work/client.out" 2>>"$err" || true
  end=$(date +%s.%N)
  awk -v client="$client" -v urlfile="$file" -v start="$start" -v end="$end" -v timefile="$work/time.txt" '
    client == "curl" { codes++; if ($0 !~ /^[1-5][0-9][0-9]$/) failed++; next }
    / ok, [0-9]+ failed in [0-9.]+ s / { for (i = 1; i < NF; i++) { if ($(i + 1) == "failed") failed = $i; if ($(i + 1) == "s") span = $i } }
    / requests in [0-9.]+ s \(/ { span = $4; failed = substr($6, 2) }
    END {
      while ((getline line < timefile) > 0) if (split(line, t, " ") == 4 && t[1] ~ /^[0-9.]+$/) { cpu = t[2] + t[3]; rss = t[4] }
      if (client == "curl") { # a code per URL; 000 or a missing line: no response
        while ((getline line < urlfile) > 0) urls++
        failed = failed + urls - codes; span = "-" }
      printf "%s %.3f %s %s %s\n", span == "" ? "-" : span, end - start, cpu == "" ? "-" : cpu, rss == "" ? "-" : rss, failed == "" ? "-" : failed
    }' "$work/client.out"
  if ! grep -qE ' ok, [0-9]+ failed in | requests in ' "$work/client.out" && [[ "$client" != curl ]]; then
    { echo "$client printed no summary; its last lines:"; tail -5 "$work/client.out"; } >&2
  fi
}

# The machine line the scripts print under their tables.
machine_line() {
  local java
  java="$(FETCHPIPE_DRY_RUN=1 "$root/bin/fetchpipe" --version | head -1)"
  echo "machine: $(nproc) cores, $("$java" -version 2>&1 | head -1) (bin/fetchpipe's), $(/usr/bin/python3 --version 2>&1)," \
    "aiohttp $(/usr/bin/python3 -c 'import aiohttp; print(aiohttp.__version__)' 2>/dev/null || echo -)," \
    "$(curl --version | head -1 | cut -d' ' -f1-2), $(/usr/sbin/nginx -v 2>&1 | sed 's/.*: //')," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
