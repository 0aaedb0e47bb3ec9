#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need, checks formatting against .editorconfig, builds with
# warnings as errors, and runs every test project. Tests start the real servers they need themselves (Kestrel on
# 127.0.0.1, a throwaway PostgreSQL cluster, slapd, docker-registry...). Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The stack (Debian run image, stack/README.md): about 90 s the first time, then cached by a hash of its inputs. The image
# tests (tests/Paas.Builder.Tests/Stack) find its OCI layout through PAAS_TEST_STACK_IMAGE; in CI they fail without it.
echo "-----> Building the stack (stack/build.sh; cached when unchanged)"
stack_layout="$(stack/build.sh)" || { echo "stack/build.sh failed" >&2; exit 1; }
export PAAS_TEST_STACK_IMAGE="$stack_layout"

# The platform images (images/README.md): paas/build and paas/postgresql are cached by a hash of their inputs; paas/paasd
# is made again when the code or the commit changes (a self-contained publish, then its layers). tests/Paas.Images.Tests
# find their OCI layouts through PAAS_TEST_{BUILD,PAASD,POSTGRESQL}_IMAGE and fail without them.
echo "-----> Building the platform images (images/build.sh; cached when unchanged)"
images="$(images/build.sh)" || { echo "images/build.sh failed" >&2; exit 1; }
while read -r name _ layout; do
  case "$name" in
    build) export PAAS_TEST_BUILD_IMAGE="$layout" ;;
    paasd) export PAAS_TEST_PAASD_IMAGE="$layout" ;;
    postgresql) export PAAS_TEST_POSTGRESQL_IMAGE="$layout" ;;
  esac
done <<< "$images"

echo "-----> Restoring"
dotnet restore Platform.sln --nologo -v q || exit 1

echo "-----> Checking formatting (dotnet format --verify-no-changes)"
if ! dotnet format Platform.sln --verify-no-changes --no-restore -v q; then
  echo "formatting differs from .editorconfig: run 'dotnet format Platform.sln' and commit" >&2
  exit 1
fi

echo "-----> Building"
dotnet build Platform.sln --no-restore --nologo -v q -clp:ErrorsOnly || exit 1

# Containers that an interrupted earlier run left behind (the tests' apps are named pod/app + hex; a finished run removes
# its own): once its conmon is gone, such a container still has its published port's DNAT rule in the kernel, and that
# rule takes over any later listener on the port.
if command -v podman >/dev/null; then
  test_app='(bob)?(pod|app)[0-9a-f]{6,8}'
  podman ps --all --format '{{.ID}} {{index .Labels "io.paas.app"}}' 2>/dev/null \
    | grep -E " ${test_app}\$" | cut -d' ' -f1 | xargs -r podman rm --force --time 0 >/dev/null 2>&1
  podman network ls --format '{{.Name}}' 2>/dev/null | grep -E "^paas-${test_app}\$" | xargs -r podman network rm --force >/dev/null 2>&1
fi

echo "-----> Testing"
# A test host that starts while the machine is busy (two projects at once on two cores, a cold disk) can take longer than
# vstest's default 90 s to connect back; a slow start is not a failure.
export VSTEST_CONNECTION_TIMEOUT="${VSTEST_CONNECTION_TIMEOUT:-300}"
log=$(mktemp)
dotnet test Platform.sln --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The router's suite again as the chart's router pod runs (router.inlineSocketCompletions): socket continuations and
# requests on the socket engine's threads, which .NET decides once per process from this variable.
echo "-----> Testing the router with inline socket completions (as its pod runs)"
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet test tests/Paas.Router.Tests --no-build --nologo 2>&1 | tee -a "$log"
router_status=${PIPESTATUS[0]}
if [[ $status -eq 0 ]]; then status=$router_status; fi

# Sum the per-project summaries ("Passed!  - Failed:     0, Passed:    44, Skipped:     0, ...").
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
rm -f "$log"
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
