#!/usr/bin/env bash
# Benchmarks the router against nginx on loopback: the same tiny Kestrel backend measured with wrk
# directly, through Paas.Router, and through nginx as an equivalent reverse proxy (upstream keep-alive,
# the same forwarded headers, access log off). Prints requests/s, p99 latency and the router/nginx ratios.
#
# Pinning (2 cores): wrk and the backend share LOAD_CPUS, each proxy alone gets PROXY_CPUS
# (nginx: one worker; the router: .NET sees one CPU). Both proxies run under identical conditions.
#
# This VM's figures swing by +-30% from one run to the next, so the three targets are measured ROUNDS times,
# interleaved, and the median of each is reported (each round's figures are printed too).
#
# The router host runs with (override with ROUTER_DOTNET_ENV):
#   DOTNET_TieredCompilation=0  on a saturated single core the tier-1 rejit starves: without this the router
#                               is measured on unoptimized code for minutes;
#   DOTNET_GCgen0size=0x2000000 a 32 MB gen0 budget: fewer gen0 collections at this request rate;
#   ROUTERBENCH_IOQUEUE=0       Kestrel sends from the thread pool instead of a dedicated I/O queue thread
#                               (one thread hop less per response on one core).
# nginx runs NGINX_WORKERS (default 1) worker processes; access logs are off on both sides.
#
# Knobs (environment): DURATION=10s WARMUP=3s ROUNDS=3 THREADS=2 CONNECTIONS=64 LOAD_CPUS=0 PROXY_CPUS=1
#                      BACKEND_PORT=18181 ROUTER_PORT=18182 NGINX_PORT=18183
#                      NGINX_WORKERS=1 ROUTER_DOTNET_ENV="..."
set -euo pipefail
cd "$(dirname "$0")"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
ROUNDS=${ROUNDS:-3}
ROUTER_DOTNET_ENV=${ROUTER_DOTNET_ENV:-DOTNET_TieredCompilation=0 DOTNET_GCgen0size=0x2000000 ROUTERBENCH_IOQUEUE=0}
NGINX_WORKERS=${NGINX_WORKERS:-1}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
LOAD_CPUS=${LOAD_CPUS:-0}
PROXY_CPUS=${PROXY_CPUS:-1}
BACKEND_PORT=${BACKEND_PORT:-18181}
ROUTER_PORT=${ROUTER_PORT:-18182}
NGINX_PORT=${NGINX_PORT:-18183}
HOST_HEADER="bench.bench.test"

TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  exit 1
}

echo "building RouterBench (Release)..."
dotnet build -c Release RouterBench/RouterBench.csproj -o "$TMP/bin" -v quiet -nologo >/dev/null

taskset -c "$LOAD_CPUS" dotnet "$TMP/bin/RouterBench.dll" backend "$BACKEND_PORT" &
PIDS+=($!)
# shellcheck disable=SC2086
env $ROUTER_DOTNET_ENV taskset -c "$PROXY_CPUS" dotnet "$TMP/bin/RouterBench.dll" router "$ROUTER_PORT" "$BACKEND_PORT" "$TMP/data" &
PIDS+=($!)

mkdir -p "$TMP/nginx/logs"
cat >"$TMP/nginx/nginx.conf" <<NGINX
worker_processes $NGINX_WORKERS;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 128;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Port \$server_port;
      proxy_set_header X-Forwarded-Host \$host;
      proxy_set_header X-Request-Id \$request_id;
      proxy_set_header X-Request-Start \$msec;
      proxy_set_header Via "1.1 nginx";
      proxy_connect_timeout 5s;
      proxy_read_timeout 30s;
    }
  }
}
NGINX
taskset -c "$PROXY_CPUS" nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" &
PIDS+=($!)

wait_port "$BACKEND_PORT"
wait_port "$ROUTER_PORT"
wait_port "$NGINX_PORT"
for port in "$BACKEND_PORT" "$ROUTER_PORT" "$NGINX_PORT"; do
  body=$(curl -s -H "Host: $HOST_HEADER" "http://127.0.0.1:$port/")
  if [ "$body" != "Hello, World!" ]; then
    echo "port $port answered '$body' instead of 'Hello, World!'" >&2
    exit 1
  fi
done

# measure NAME PORT -> "NAME RPS P99_MS ERRORS"
measure() {
  local name=$1 port=$2 out
  taskset -c "$LOAD_CPUS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Host: $HOST_HEADER" "http://127.0.0.1:$port/" >/dev/null
  out=$(taskset -c "$LOAD_CPUS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Host: $HOST_HEADER" "http://127.0.0.1:$port/")
  echo "$out" | awk -v name="$name" '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
      return v
    }
    /Requests\/sec/ { rps = $2 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { errors += $NF }
    /Socket errors/ { errors += 1 }
    END { printf "%s %.0f %.3f %d\n", name, rps, p99, errors }'
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (warm-up $WARMUP), $ROUNDS interleaved rounds; wrk+backend on CPU $LOAD_CPUS, proxy on CPU $PROXY_CPUS; router env: $ROUTER_DOTNET_ENV"
results=""
for round in $(seq 1 "$ROUNDS"); do
  for target in "direct $BACKEND_PORT" "router $ROUTER_PORT" "nginx $NGINX_PORT"; do
    # shellcheck disable=SC2086
    line=$(measure $target)
    echo "  round $round: $line"
    results+="$line"$'\n'
  done
done
printf "%s" "$results" | awk '
  function median(list, n,   i, j, t, a) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { rps[$1] = rps[$1] " " $2; p99[$1] = p99[$1] " " $3; err[$1] += $4 }
  END {
    printf "%-8s %12s %10s %8s   (medians)\n", "target", "requests/s", "p99 ms", "errors"
    split("direct router nginx", order, " ")
    for (i = 1; i <= 3; i++) { n = order[i]; r[n] = median(rps[n]); p[n] = median(p99[n]); printf "%-8s %12d %10.2f %8d\n", n, r[n], p[n], err[n] }
    rr = r["router"] / r["nginx"]; pr = p["router"] / p["nginx"]
    printf "router/nginx: requests/s %.2fx (target >= 1.00x), p99 %.2fx (target <= 1.20x)\n", rr, pr
    printf "verdict: %s\n", (rr >= 1.0 && pr <= 1.2) ? "target met" : "target NOT met"
  }'
