#!/usr/bin/env bash
# Scale a small Node.js app from web=1 to web=8 with the local process runtime until all eight accept connections,
# and the memory the platform side uses while it supervises them; prints both per round and their medians.
# Usage: bench/scale/run.sh [rounds] [target]     (defaults: 5 rounds, 8 processes)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
for tool in dotnet node; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
dotnet build -c Release "$HERE/host/ScaleBench.csproj" -v q -nologo >/dev/null
exec dotnet "$HERE/host/bin/Release/net10.0/ScaleBench.dll" "${1:-5}" "${2:-8}"
