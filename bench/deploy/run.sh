#!/usr/bin/env bash
# Times deploys of the Node.js example (examples/node-hello: Express, a lock file) against a real paasd (Release
# build, SQLite, local runtime, loopback), from the user's side:
#   cold push   empty build cache: `git push` starts -> the router serves the new text
#   warm push   a one-line change with node_modules cached: same measure (target: under 2 s)
#   scale 1->8  `POST /v2/apps/APP/scale {"web":8}` -> all 8 processes up and answering through the router
# For each push it prints each step's share: the time between consecutive `----->` lines as git relays them, and the
# tail from the last line to the router serving the new text. Each push is run RUNS times (default 3; median shown).
# Usage: bench/deploy/run.sh [RUNS]
# BENCH_LOG=FILE keeps paasd's log (with timestamps, at BENCH_LOG_LEVEL, default Warning) in FILE for a closer look.
set -euo pipefail
[[ -n "${BENCH_DEBUG:-}" ]] && set -x
cd "$(dirname "$0")/../.."
root=$(pwd)
runs=${1:-3}
work=$(mktemp -d /tmp/paas-bench-deploy.XXXXXX)
chmod 755 "$work"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  [[ -n "${BENCH_LOG:-}" && -f "$work/paasd.log" ]] && cp "$work/paasd.log" "$BENCH_LOG"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # interrupted: leave through the EXIT trap, which stops paasd and its apps
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
elapsed() { awk "BEGIN{printf \"%.2f\", $2-$1}"; }

echo "-----> Building paasd (Release)"
dotnet publish src/Paas.Server/Paas.Server.csproj -c Release -o "$work/paasd" --nologo -v q >/dev/null
api=$(free_port) http=$(free_port) registry=$(free_port)
PAAS_DATA_DIR="$work/data" PAAS_API_PORT=$api PAAS_HTTP_PORT=$http PAAS_HTTPS_PORT=0 PAAS_REGISTRY_PORT=$registry \
  PAAS_REGISTRATION_MODE=enabled Logging__LogLevel__Default="${BENCH_LOG_LEVEL:-Warning}" \
  Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__TimestampFormat="HH:mm:ss.fff " \
  dotnet "$work/paasd/paasd.dll" >"$work/paasd.log" 2>&1 &
pid=$!
url="http://127.0.0.1:$api"
for _ in $(seq 150); do curl -fs "$url/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$url/readyz" >/dev/null || { echo "paasd did not start:"; cat "$work/paasd.log"; exit 1; }
curl -fs -XPOST "$url/v2/auth/register" -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password"}' >/dev/null
token=$(curl -fs -XPOST "$url/v2/auth/login" -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password"}' | jq -r .token)
auth=(-H "Authorization: token $token" -H 'Content-Type: application/json')
curl -fs -XPOST "$url/v2/apps" "${auth[@]}" -d '{"name":"hello"}' >/dev/null

app="$work/app"
cp -r examples/node-hello "$app"
cd "$app"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
git init -q -b master && git add -A && git -c user.name=bench -c user.email=b@e commit -qm v0
helper="!f() { echo username=bench; echo password=$token; }; f"

# serves TEXT: true once the router answers the app's / with a body containing TEXT
serves() { curl -fs -m 2 -H "Host: hello.localhost" "http://127.0.0.1:$http/" 2>/dev/null | grep -qF "$1"; }

# push LABEL GREETING: commits a change of the greeting, pushes, waits until the router serves it; appends the total to
# $work/LABEL.totals and the step lines to $work/LABEL.steps
push() {
  local label=$1 greeting=$2 log="$work/push-$1.log" start end served
  sed -i "s/process.env.GREETING || '[^']*'/process.env.GREETING || '$greeting'/" server.js
  git -c user.name=bench -c user.email=b@e commit -qam "$greeting"
  start=$(now)
  git -c credential.helper= -c credential.helper="$helper" push -q "$url/hello.git" master 2>&1 \
    | while IFS= read -r line; do printf '%s %s\n' "$(now)" "$line"; done > "$log" || true
  end=$(now)
  grep -q ' deployed' "$log" || { echo "push failed:"; cut -d' ' -f2- "$log"; exit 1; }
  until serves "$greeting"; do
    [[ $(elapsed "$end" "$(now)") > 10 ]] && { echo "the router did not serve '$greeting' 10 s after the push"; exit 1; }
    sleep 0.02
  done
  served=$(now)
  elapsed "$start" "$served" >> "$work/$label.totals"; echo >> "$work/$label.totals"
  awk -v start="$start" -v end="$end" -v served="$served" '
    NR == 1 { printf "%.3f receive pack, start build\n", $1 - start }
    / remote: -----> / { if (name != "") printf "%.3f %s\n", $1 - t, name; t = $1; name = substr($0, index($0, "----->") + 7); sub(/ from commit [0-9a-f]+/, "", name) }
    END { if (name != "") printf "%.3f %s\n", end - t, name " (to push end)"; printf "%.3f push end -> router serves\n", served - end }' \
    "$log" >> "$work/$label.steps"
}

# report LABEL TITLE: the median total and each step's median share
report() {
  local median
  median=$(sort -n "$work/$1.totals" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "=== $2: median $median s over $(wc -l < "$work/$1.totals") run(s) ($(sort -n "$work/$1.totals" | paste -sd' ') s)"
  awk -v total="$median" '
    { t = $1; $1 = ""; name = substr($0, 2); if (!(name in seen)) { seen[name] = 1; order[++n] = name } v[name, ++c[name]] = t }
    END { for (i = 1; i <= n; i++) { k = order[i]; m = c[k]; for (a = 1; a <= m; a++) s[a] = v[k, a]
            for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (s[b] < s[a]) { x = s[a]; s[a] = s[b]; s[b] = x }
            med = s[int((m + 1) / 2)]; printf "  %6.2f s  %4.0f%%  %s\n", med, 100 * med / total, k } }' "$work/$1.steps"
}

echo "-----> Cold push (empty build cache)"
push cold "Cold"
for i in $(seq "$runs"); do
  echo "-----> Warm push $i/$runs (one-line change, node_modules cached)"
  push warm "Warm $i"
done

echo "-----> Scale web 1 -> 8"
for i in $(seq "$runs"); do
  curl -fs -XPOST "$url/v2/apps/hello/scale" "${auth[@]}" -d '{"web":1}' >/dev/null
  start=$(now)
  curl -fs -XPOST "$url/v2/apps/hello/scale" "${auth[@]}" -d '{"web":8}' >/dev/null
  scaled=$(now)
  until [[ $(curl -fs "$url/v2/apps/hello/pods" "${auth[@]}" | jq '[.results[] | select(.type == "web" and .state == "up")] | length') == 8 ]]; do
    [[ $(elapsed "$start" "$(now)") > 30 ]] && { echo "8 web processes were not up 30 s after scaling"; exit 1; }
    sleep 0.05
  done
  up=$(now)
  seen=""
  until [[ $(wc -w <<<"$seen") -ge 8 ]]; do # every process answers through the router (round robin)
    dyno=$(curl -fs -m 2 -H "Host: hello.localhost" "http://127.0.0.1:$http/" | sed -n 's/.* from \(web\.[0-9]*\) .*/\1/p')
    [[ -n "$dyno" && " $seen " != *" $dyno "* ]] && seen="$seen $dyno"
    [[ $(elapsed "$start" "$(now)") > 30 ]] && { echo "only$seen answered 30 s after scaling"; exit 1; }
  done
  routed=$(now)
  elapsed "$start" "$routed" >> "$work/scale.totals"; echo >> "$work/scale.totals"
  { echo "$(elapsed "$start" "$scaled") POST /scale answered"; echo "$(elapsed "$scaled" "$up") all 8 up (GET /pods)"
    echo "$(elapsed "$up" "$routed") all 8 answer through the router"; } >> "$work/scale.steps"
done

echo
report cold "Cold push (git push -> router serves the new text)"
report warm "Warm push (git push -> router serves the new text; target < 2 s)"
report scale "Scale web 1 -> 8 (POST -> every process answers through the router)"
echo "(machine: $(nproc) cores; paasd $(git -C "$root" rev-parse --short HEAD); log lines: $(wc -l < "$work/paasd.log"))"
