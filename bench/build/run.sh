#!/usr/bin/env bash
# Measures `git push paas master` of a small Node.js app with dependencies (express, with a lock file) against a
# real paasd (Release build, SQLite, loopback): from the push's start to the release being recorded (git push returns
# after the pre-receive build has recorded the release), cold (empty build cache) and warm (a code-only change).
# Prints both totals and the time of each build step (time between consecutive `----->` lines as git relays them).
# Usage: bench/build/run.sh
set -euo pipefail
[[ -n "${BENCH_DEBUG:-}" ]] && set -x
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/paas-bench-build.XXXXXX)
chmod 755 "$work"
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "-----> Building paasd (Release)"
dotnet publish src/Paas.Server/Paas.Server.csproj -c Release -o "$work/paasd" --nologo -v q >/dev/null
port=$(free_port)
PAAS_DATA_DIR="$work/data" PAAS_API_PORT=$port PAAS_HTTP_PORT=0 PAAS_HTTPS_PORT=0 PAAS_REGISTRY_PORT=0 \
  Logging__LogLevel__Default=Warning dotnet "$work/paasd/paasd.dll" >"$work/paasd.log" 2>&1 &
pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs -XPOST "$url/v2/auth/register" -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password"}' >/dev/null
token=$(curl -fs -XPOST "$url/v2/auth/login" -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench-password"}' | jq -r .token)
curl -fs -XPOST "$url/v2/apps" -H "Authorization: token $token" -H 'Content-Type: application/json' -d '{"name":"bench"}' >/dev/null

app="$work/app"; mkdir -p "$app"; cd "$app"
cat > package.json <<'JSON'
{ "name": "bench", "version": "1.0.0", "private": true, "engines": { "node": "20.x" },
  "scripts": { "start": "node server.js" }, "dependencies": { "express": "4.21.2" } }
JSON
echo "const express = require('express'); const app = express(); app.get('/', (q, r) => r.send('v1')); app.listen(process.env.PORT || 5000);" > server.js
echo "web: node server.js" > Procfile
npm install --package-lock-only --silent >/dev/null 2>&1
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
git init -q -b master && git add -A && git -c user.name=bench -c user.email=b@e commit -qm v1
helper="!f() { echo username=bench; echo password=$token; }; f"

push() { # push LABEL -> prints total and per-step times
  local label=$1 log="$work/push-$1.log" start end
  start=$(date +%s.%N)
  git -c credential.helper= -c credential.helper="$helper" push -q "$url/bench.git" master 2>&1 \
    | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done > "$log" || true
  end=$(date +%s.%N)
  grep -q 'Launching... done' "$log" || { echo "push failed:"; cut -d' ' -f2- "$log"; exit 1; }
  echo "=== $label: $(awk "BEGIN{printf \"%.2f\", $end-$start}") s from git push to the release being recorded"
  awk -v start="$start" -v end="$end" '
    / remote: -----> / { if (name != "") printf "  %6.2f s  %s\n", $1 - t, name; t = $1; name = substr($0, index($0, "----->") + 7) }
    END { if (name != "") printf "  %6.2f s  %s\n", end - t, name " (to push end)" }
    NR == 1 { printf "  %6.2f s  receive pack + start build\n", $1 - start }' "$log"
}

push cold
echo "const express = require('express'); const app = express(); app.get('/', (q, r) => r.send('v2')); app.listen(process.env.PORT || 5000);" > server.js
git -c user.name=bench -c user.email=b@e commit -qam v2
push warm
