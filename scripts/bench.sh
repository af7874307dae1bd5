#!/usr/bin/env bash
# Benchmarks (not part of the test run): prints Markdown tables; docs/benchmarks.md holds a run's results.
#   scripts/bench.sh [remediation|snapshot|intake|micro|all] [--mb-live 100 --mb-free 200 --rounds 3 --mb 1024 ...]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
ensure_dotnet
ensure_packages etcd-server etcd-client || exit 1
trap 'pkill -f -- "--data-dir /tmp/etcdrem-it-" 2>/dev/null' EXIT
exec dotnet run -c Release --project benchmarks/EtcdRemediator.Benchmarks -- "${@:-all}"
