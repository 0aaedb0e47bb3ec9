#!/usr/bin/env bash
# Benchmarks the router on loopback: the same tiny Kestrel backend measured with wrk directly, through a bare YARP
# direct forwarder (RouterBench bare-yarp: the floor of what forwarding through YARP costs), through the same bare
# forwarder sending the router's Heroku header set (bare-heroku), through Paas.Router as paasd hosts it, and through
# nginx as an equivalent reverse proxy (upstream keep-alive, the same forwarded headers, access log off). Prints
# requests/s, p99 latency, CPU per request (the measured process's utime+stime from /proc/PID/stat over the run,
# divided by the requests wrk completed; for "direct" the backend's) and the ratios router/bare-yarp,
# router/bare-heroku and router/nginx.
#
# Pinning (2 cores): wrk and the backend share LOAD_CPUS, each proxy alone gets PROXY_CPUS
# (nginx: one worker; the router: .NET sees one CPU). Both proxies run under identical conditions: while one target
# is measured, the other proxies are stopped (SIGSTOP, then SIGCONT), so no background work of theirs (a .NET
# tier-1 recompilation, a timer) takes CPU from the one measured.
#
# This VM's figures swing by +-30% from one run to the next, so the targets are measured ROUNDS times,
# interleaved (each round in another order: the list rotated by one), and the median of each is reported (each
# round's figures are printed too).
#
# The router runs as the chart's router pod runs it: paasd's runtime settings (RouterBench.csproj mirrors
# Paas.Server.csproj: workstation GC, tiered compilation, dynamic PGO off) and the pod's environment,
# DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (router.inlineSocketCompletions; the router then runs requests inline in
# Kestrel too). ROUTER_DOTNET_ENV replaces that environment: ROUTER_DOTNET_ENV= (empty) runs it as a one-process paasd,
# which keeps .NET's thread-pool hand-offs. The bare forwarders get the router's environment unless BARE_DOTNET_ENV is
# given, and follow the same scheduling rule (SocketCompletions.ApplyTo). Tiered code needs load to reach its optimized
# tier, and on a saturated core the background recompilation is slow: INITIAL_WARMUP (default 30s) of load goes to each proxy once before the rounds, then each target gets
# WARMUP before each measurement.
# nginx runs NGINX_WORKERS (default 1) worker processes; access logs are off on both sides.
#
# A/B: ROUTER_B_DOTNET_ENV="..." and/or ROUTER_B_DLL=path/RouterBench.dll (another build, e.g. of an older commit)
# start a second router (on ROUTER_B_PORT, same CPU) measured as "router-b" in the same interleaved rounds, so
# two runtime settings or two versions are compared side by side.
#
# Knobs (environment): DURATION=10s WARMUP=3s INITIAL_WARMUP=30s ROUNDS=3 THREADS=2 CONNECTIONS=64 LOAD_CPUS=0 PROXY_CPUS=1
#                      BACKEND_PORT=18181 ROUTER_PORT=18182 NGINX_PORT=18183 ROUTER_B_PORT=18184 BARE_PORT=18185
#                      BARE_HEROKU_PORT=18186
#                      BARE_DOTNET_ENV="..." (runtime settings of the bare forwarder, by default the router's)
#                      NGINX_WORKERS=1 ROUTER_DOTNET_ENV="..." ROUTER_B_DOTNET_ENV="..."
#                      BACKEND=kestrel (RouterBench backend) | nginx (nginx answering the same 13 bytes: a backend whose
#                      own parsing of the proxies' extra headers costs little)
set -euo pipefail
cd "$(dirname "$0")"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
ROUNDS=${ROUNDS:-3}
INITIAL_WARMUP=${INITIAL_WARMUP:-30s}
ROUTER_DOTNET_ENV=${ROUTER_DOTNET_ENV-DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1}
NGINX_WORKERS=${NGINX_WORKERS:-1}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
LOAD_CPUS=${LOAD_CPUS:-0}
PROXY_CPUS=${PROXY_CPUS:-1}
BACKEND_PORT=${BACKEND_PORT:-18181}
ROUTER_PORT=${ROUTER_PORT:-18182}
NGINX_PORT=${NGINX_PORT:-18183}
ROUTER_B_PORT=${ROUTER_B_PORT:-18184}
ROUTER_B_DOTNET_ENV=${ROUTER_B_DOTNET_ENV:-}
ROUTER_B_DLL=${ROUTER_B_DLL:-}
BARE_PORT=${BARE_PORT:-18185}
BARE_HEROKU_PORT=${BARE_HEROKU_PORT:-18186}
BARE_DOTNET_ENV=${BARE_DOTNET_ENV-$ROUTER_DOTNET_ENV}
BACKEND=${BACKEND:-kestrel}
HOST_HEADER="bench.bench.test"

TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    signal_tree CONT "$pid"
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
# signal_tree SIGNAL PID: the process and its children (nginx's worker)
signal_tree() {
  kill -"$1" "$2" 2>/dev/null || true
  for child in $(ps -o pid= --ppid "$2" 2>/dev/null); do
    kill -"$1" "$child" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
declare -A PROXY_PID
declare -A TARGET_PID

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

# nginx_conf DIR WORKERS HTTP_BLOCK: an nginx.conf in DIR (pid, logs and temp files there, in the foreground, no access log)
nginx_conf() {
  mkdir -p "$1/logs"
  cat >"$1/nginx.conf" <<NGINX
worker_processes $2;
daemon off;
pid $1/nginx.pid;
error_log $1/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1/body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
$3
}
NGINX
}

echo "building RouterBench (Release)..."
dotnet build -c Release RouterBench/RouterBench.csproj -o "$TMP/bin" -v quiet -nologo >/dev/null

if [ "$BACKEND" = nginx ]; then
  # The same 13-byte answer from nginx: a backend whose own request parsing costs little, to tell the proxies'
  # cost from the app's cost of reading the headers they add.
  nginx_conf "$TMP/backend" 1 "
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$BACKEND_PORT;
    location / {
      default_type text/plain;
      return 200 \"Hello, World!\";
    }
  }"
  taskset -c "$LOAD_CPUS" nginx -p "$TMP/backend" -c "$TMP/backend/nginx.conf" -e "$TMP/backend/logs/error.log" &
else
  taskset -c "$LOAD_CPUS" dotnet "$TMP/bin/RouterBench.dll" backend "$BACKEND_PORT" &
fi
PIDS+=($!)
TARGET_PID[direct]=$!
# shellcheck disable=SC2086
env $BARE_DOTNET_ENV taskset -c "$PROXY_CPUS" dotnet "$TMP/bin/RouterBench.dll" bare-yarp "$BARE_PORT" "$BACKEND_PORT" &
PIDS+=($!)
PROXY_PID[bare-yarp]=$!
# The same bare forwarder sending the router's Heroku header set: what those headers cost apart from the router's other work.
# shellcheck disable=SC2086
env $BARE_DOTNET_ENV ROUTERBENCH_BARE_HEADERS=1 taskset -c "$PROXY_CPUS" dotnet "$TMP/bin/RouterBench.dll" bare-yarp "$BARE_HEROKU_PORT" "$BACKEND_PORT" &
PIDS+=($!)
PROXY_PID[bare-heroku]=$!
# shellcheck disable=SC2086
env $ROUTER_DOTNET_ENV taskset -c "$PROXY_CPUS" dotnet "$TMP/bin/RouterBench.dll" router "$ROUTER_PORT" "$BACKEND_PORT" "$TMP/data" &
PIDS+=($!)
PROXY_PID[router]=$!
TARGETS=("direct $BACKEND_PORT" "bare-yarp $BARE_PORT" "bare-heroku $BARE_HEROKU_PORT" "router $ROUTER_PORT" "nginx $NGINX_PORT")
if [ -n "$ROUTER_B_DOTNET_ENV$ROUTER_B_DLL" ]; then
  # shellcheck disable=SC2086
  env $ROUTER_B_DOTNET_ENV taskset -c "$PROXY_CPUS" dotnet "${ROUTER_B_DLL:-$TMP/bin/RouterBench.dll}" router "$ROUTER_B_PORT" "$BACKEND_PORT" "$TMP/data-b" &
  PIDS+=($!)
  PROXY_PID[router-b]=$!
  TARGETS+=("router-b $ROUTER_B_PORT")
fi

nginx_conf "$TMP/nginx" "$NGINX_WORKERS" "
  upstream backend {
    server 127.0.0.1:$BACKEND_PORT;
    keepalive 128;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Port \$server_port;
      proxy_set_header X-Request-Id \$request_id;
      proxy_set_header X-Request-Start \$msec;
      proxy_set_header Via \"1.1 nginx\";
      proxy_connect_timeout 5s;
      proxy_read_timeout 30s;
    }
  }"
taskset -c "$PROXY_CPUS" nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" &
PIDS+=($!)
PROXY_PID[nginx]=$!

wait_port "$BACKEND_PORT"
wait_port "$BARE_PORT"
wait_port "$BARE_HEROKU_PORT"
wait_port "$ROUTER_PORT"
wait_port "$NGINX_PORT"
PORTS=("$BACKEND_PORT" "$BARE_PORT" "$BARE_HEROKU_PORT" "$ROUTER_PORT" "$NGINX_PORT")
if [ -n "$ROUTER_B_DOTNET_ENV$ROUTER_B_DLL" ]; then
  wait_port "$ROUTER_B_PORT"
  PORTS+=("$ROUTER_B_PORT")
fi
for port in "${PORTS[@]}"; do
  body=$(curl -s -H "Host: $HOST_HEADER" "http://127.0.0.1:$port/")
  if [ "$body" != "Hello, World!" ]; then
    echo "port $port answered '$body' instead of 'Hello, World!'" >&2
    exit 1
  fi
done

# cpu_ticks PID: utime+stime of the process and its children (nginx's worker), in clock ticks
cpu_ticks() {
  local total=0 pid
  for pid in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    if [ -r "/proc/$pid/stat" ]; then
      total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
    fi
  done
  echo "$total"
}
HZ=$(getconf CLK_TCK)

# measure NAME PORT -> "NAME RPS P99_MS ERRORS CPU_US_PER_REQUEST"
measure() {
  local name=$1 port=$2 out other pid before after
  for other in "${!PROXY_PID[@]}"; do
    if [ "$other" = "$name" ]; then signal_tree CONT "${PROXY_PID[$other]}"; else signal_tree STOP "${PROXY_PID[$other]}"; fi
  done
  taskset -c "$LOAD_CPUS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -H "Host: $HOST_HEADER" "http://127.0.0.1:$port/" >/dev/null || true
  pid=${PROXY_PID[$name]:-${TARGET_PID[$name]:-}}
  before=$(cpu_ticks "$pid")
  # A failed run counts as 0 requests/s with an error, rather than ending the whole benchmark.
  out=$(taskset -c "$LOAD_CPUS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Host: $HOST_HEADER" "http://127.0.0.1:$port/" 2>&1) || out="Socket errors: wrk failed"
  after=$(cpu_ticks "$pid")
  echo "$out" | awk -v name="$name" -v ticks=$((after - before)) -v hz="$HZ" '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
      if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
      return v
    }
    /Requests\/sec/ { rps = $2 }
    / requests in / { requests = $1 }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { errors += $NF }
    /Socket errors/ { errors += 1 }
    END { printf "%s %.0f %.3f %d %.1f\n", name, rps, p99, errors, (requests > 0 ? ticks * 1e6 / hz / requests : 0) }'
  for other in "${!PROXY_PID[@]}"; do
    signal_tree CONT "${PROXY_PID[$other]}"
  done
}

echo "load at start: $(uptime | sed 's/.*load average: //')"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (warm-up $INITIAL_WARMUP once, $WARMUP each time), $ROUNDS interleaved rounds; wrk+backend on CPU $LOAD_CPUS, proxy on CPU $PROXY_CPUS; router env: '$ROUTER_DOTNET_ENV'${ROUTER_B_DOTNET_ENV:+; router-b env: '$ROUTER_B_DOTNET_ENV'}${ROUTER_B_DLL:+; router-b: $ROUTER_B_DLL}"
for target in "${TARGETS[@]:1}"; do
  # shellcheck disable=SC2086
  set -- $target
  taskset -c "$LOAD_CPUS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$INITIAL_WARMUP" -H "Host: $HOST_HEADER" "http://127.0.0.1:$2/" >/dev/null
done
results=""
count=${#TARGETS[@]}
for round in $(seq 1 "$ROUNDS"); do
  # Each round starts one target later than the one before, so no target always follows the same one (a proxy
  # measured right after another on the same CPU, or the backend right after its own direct run).
  for i in $(seq 0 $((count - 1))); do
    target=${TARGETS[$(((round - 1 + i) % count))]}
    # shellcheck disable=SC2086
    line=$(measure $target)
    echo "  round $round: $line"
    results+="$line"$'\n'
  done
done
echo "load at end: $(uptime | sed 's/.*load average: //')"
printf "%s" "$results" | awk '
  function median(list, n,   i, j, t, a) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { rps[$1] = rps[$1] " " $2; p99[$1] = p99[$1] " " $3; err[$1] += $4; cpu[$1] = cpu[$1] " " $5 }
  END {
    printf "%-11s %12s %10s %12s %8s   (medians)\n", "target", "requests/s", "p99 ms", "CPU us/req", "errors"
    count = split("direct bare-yarp bare-heroku router nginx router-b", order, " ")
    for (i = 1; i <= count; i++) { n = order[i]; if (!(n in rps)) continue; r[n] = median(rps[n]); p[n] = median(p99[n]); c[n] = median(cpu[n]); printf "%-11s %12d %10.2f %12.1f %8d\n", n, r[n], p[n], c[n], err[n] }
    if ("router-b" in r) printf "router-b/router: requests/s %.2fx, p99 %.2fx, CPU/req %.2fx\n", r["router-b"] / r["router"], p["router-b"] / p["router"], c["router-b"] / c["router"]
    printf "bare-yarp/nginx: requests/s %.2fx, p99 %.2fx, CPU/req %.2fx\n", r["bare-yarp"] / r["nginx"], p["bare-yarp"] / p["nginx"], c["bare-yarp"] / c["nginx"]
    printf "router/nginx:    requests/s %.2fx, p99 %.2fx, CPU/req %.2fx\n", r["router"] / r["nginx"], p["router"] / p["nginx"], c["router"] / c["nginx"]
    rb = r["router"] / r["bare-yarp"]; pb = p["router"] / p["bare-yarp"]
    printf "router/bare-yarp: requests/s %.2fx (target >= 0.95x), p99 %.2fx (target <= 1.10x), CPU/req %.2fx\n", rb, pb, c["router"] / c["bare-yarp"]
    printf "router/bare-heroku: requests/s %.2fx, p99 %.2fx, CPU/req %.2fx (the router against a bare forwarder sending the same headers)\n", r["router"] / r["bare-heroku"], p["router"] / p["bare-heroku"], c["router"] / c["bare-heroku"]
    printf "verdict: %s\n", (rb >= 0.95 && pb <= 1.1) ? "target met" : "target NOT met"
  }'
