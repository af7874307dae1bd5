#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test project, and ends
# with one line CI can read: `tests: N passed, N failed[, N skipped]`, summed from the TRX files.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh

ensure_dotnet
ensure_packages etcd-server etcd-client prometheus prometheus-alertmanager chromium chromium-driver jq || { echo "could not install test dependencies" >&2; exit 1; }

results=$(mktemp -d)
cleanup() {
  # Backstop: test fixtures kill what they start, but a crashed test host cannot.
  pkill -f -- "--data-dir /tmp/etcdrem-it-" 2>/dev/null
  rm -rf "$results"
}
trap cleanup EXIT

dotnet build EtcdRemediator.sln -c Release -nologo -clp:ErrorsOnly || { echo "tests: 0 passed, 1 failed"; exit 1; }
# One results directory per project: TRX names are timestamps and could collide.
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results/$name" "$@" || status=1
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  attr() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(attr passed)))
  failed=$((failed + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
  skipped=$((skipped + $(attr notExecuted)))
done
if [ "$files" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  failed=$((failed + 1))   # the runner itself failed (crash, build, no results): never report green
fi

summary="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
