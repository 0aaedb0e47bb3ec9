#!/usr/bin/env bash
# Measures the controller API: requests/s and p99 latency of GET /v2/apps/{app}/releases and POST .../config with
# 32 concurrent clients (wrk, 2 threads, loopback only), on SQLite and on PostgreSQL (a throwaway cluster).
# Usage: bench/api/run.sh [seconds per measurement, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10}
work=$(mktemp -d /tmp/paas-bench-api.XXXXXX)
chmod 755 "$work" # the postgres user must reach its cluster folder
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n "${pgdata:-}" ]] && runuser -u postgres -- "$pgbin/pg_ctl" stop -m immediate -D "$pgdata" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # interrupted: leave through the EXIT trap, which stops what this script started

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "-----> Building paasd (Release)"
dotnet publish src/Paas.Server/Paas.Server.csproj -c Release -o "$work/paasd" --nologo -v q >/dev/null

# Starts a throwaway PostgreSQL cluster and sets database (its connection string), pgbin and pgdata in this shell, so
# cleanup can stop it: never call it in $(...), whose subshell would keep those to itself.
start_postgres() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pgdata="$work/pg/data"; mkdir -p "$work/pg"; chown postgres:postgres "$work/pg"
  pgport=$(free_port)
  runuser -u postgres -- "$pgbin/initdb" -A trust -U postgres -D "$pgdata" --no-sync >/dev/null
  runuser -u postgres -- "$pgbin/pg_ctl" start -w -D "$pgdata" -l "$work/pg/log" \
    -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
  database="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres;Maximum Pool Size=64"
}

# wrk_stats OUTPUT -> "requests/s p99(ms) non2xx"
wrk_stats() {
  local rps p99 errors
  rps=$(grep -E '^Requests/sec' <<<"$1" | awk '{print $2}')
  p99=$(grep -E '^ +99%' <<<"$1" | awk '{print $2}')
  errors=$(grep -E 'Non-2xx' <<<"$1" | awk '{print $NF}' || true)
  # normalize latency to ms
  case "$p99" in
    *ms) p99=${p99%ms} ;;
    *us) p99=$(awk "BEGIN{print ${p99%us}/1000}") ;;
    *s) p99=$(awk "BEGIN{print ${p99%s}*1000}") ;;
  esac
  echo "$rps $p99 ${errors:-0}"
}

results=()
for backend in sqlite postgres; do
  database=""
  if [[ $backend == postgres ]]; then start_postgres; fi
  port=$(free_port)
  PAAS_DATA_DIR="$work/data-$backend" PAAS_API_PORT=$port PAAS_HTTP_PORT=0 PAAS_HTTPS_PORT=0 PAAS_REGISTRY_PORT=0 \
    PAAS_DATABASE="$database" Logging__LogLevel__Default=Warning \
    dotnet "$work/paasd/paasd.dll" >"$work/paasd-$backend.log" 2>&1 &
  pids+=($!)
  url="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs -XPOST "$url/v2/auth/register" -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password"}' >/dev/null
  token=$(curl -fs -XPOST "$url/v2/auth/login" -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password"}' | jq -r .token)
  curl -fs -XPOST "$url/v2/apps" -H "Authorization: token $token" -H 'Content-Type: application/json' -d '{"name":"bench"}' >/dev/null
  for i in $(seq 20); do
    curl -fs -XPOST "$url/v2/apps/bench/config" -H "Authorization: token $token" -H 'Content-Type: application/json' -d "{\"values\":{\"SEED\":\"$i\"}}" >/dev/null
  done

  echo "-----> $backend: GET /v2/apps/bench/releases (32 connections, ${duration}s)"
  out=$(wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: token $token" "$url/v2/apps/bench/releases?limit=20")
  read -r rps p99 errors < <(wrk_stats "$out")
  results+=("$backend GET-releases $rps $p99 $errors")

  echo "-----> $backend: POST /v2/apps/bench/config (32 connections, ${duration}s)"
  out=$(PAAS_TOKEN=$token wrk -t2 -c32 -d"${duration}s" --latency -s bench/api/post-config.lua "$url")
  read -r rps p99 errors < <(wrk_stats "$out")
  results+=("$backend POST-config $rps $p99 $errors")
  releases=$(curl -fs "$url/v2/apps/bench/releases?limit=1" -H "Authorization: token $token" | jq .count)
  echo "       ledger now holds $releases releases"
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
done

echo
printf '%-9s %-13s %12s %10s %8s\n' backend route 'requests/s' 'p99 (ms)' non-2xx
for r in "${results[@]}"; do
  read -r b route rps p99 errors <<<"$r"
  printf '%-9s %-13s %12s %10s %8s\n' "$b" "$route" "$rps" "$p99" "$errors"
done
