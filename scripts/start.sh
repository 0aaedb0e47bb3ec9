#!/usr/bin/env bash
# Starts the platform on this machine: installs the system packages it needs, builds paasd and the paas CLI (Release),
# puts both on PATH (/usr/local/bin as root, else ~/.local/bin), then runs paasd in the foreground (Ctrl+C stops it).
# Settings come from PAAS_* environment variables (see README "Configuration").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh run
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "-----> Building paasd and paas"
dotnet publish src/Paas.Server/Paas.Server.csproj -c Release -o artifacts/paasd --nologo -v q
dotnet publish cli/Paas.Cli/Paas.Cli.csproj -c Release -o artifacts/paas --nologo -v q

bin=/usr/local/bin
[[ $(id -u) -eq 0 ]] || { bin="$HOME/.local/bin"; mkdir -p "$bin"; }
for tool in paas paasd; do
  printf '#!/bin/sh\nexec dotnet "%s/artifacts/%s/%s.dll" "$@"\n' "$root" "$tool" "$tool" > "$bin/$tool"
  chmod +x "$bin/$tool"
done
echo "       paas and paasd are in $bin"

echo "-----> Starting paasd (data in ${PAAS_DATA_DIR:-$HOME/.local/share/paas}, API on port ${PAAS_API_PORT:-7000})"
exec "$bin/paasd"
