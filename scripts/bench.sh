#!/usr/bin/env bash
# Benchmarks (not part of the test run): prints Markdown tables; docs/benchmarks.md holds a run's results.
#   scripts/bench.sh [--etcd 3.5|3.4] [remediation|snapshot|intake|footprint|fleet|micro|all] [--mb-live 100 --mb-free 200 --rounds 3 --mb 1024 --offsite 1 ...]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
source scripts/lib/etcd-versions.sh
etcd_major=3.5
if [ "${1:-}" = "--etcd" ]; then etcd_major=$2; shift 2; fi
ensure_dotnet
ensure_packages etcd-server etcd-client || exit 1
# The snapshot scenario's off-site copy: age-keygen for its recipient, s3rver (npm) as the bucket.
case "${1:-all}" in snapshot|all)
  ensure_packages age || exit 1
  command -v npm >/dev/null || ensure_packages nodejs npm || exit 1
  npm ci --prefix tests/s3 --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm ci in tests/s3 failed" >&2; exit 1; } ;;
esac
etcd_dir=$(etcd_bin_dir "$etcd_major") || exit 1
# etcd and etcdctl of that version for the benchmarks' clusters and the by-hand routines alike.
export PATH="$etcd_dir:$PATH" ETCD_BIN="$etcd_dir/etcd"
# The benchmarks' clusters live under a folder of this run's own, so that stopping what is left kills
# this run's etcd processes and never another suite's (their --data-dir is under their own TMPDIR).
bench_tmp=$(mktemp -d -t etcdrem-bench-run.XXXXXX)
export TMPDIR=$bench_tmp
trap 'pkill -f -- "--data-dir $bench_tmp/etcdrem-it-" 2>/dev/null; rm -rf "$bench_tmp"' EXIT
# The footprint is the image's: the service published with docker/Dockerfile's own commands (native), as the tests
# start it, unless ETCDREM_SERVICE_DIR already names such a folder.
case "${1:-all}" in footprint|all)
  if [ -z "${ETCDREM_SERVICE_DIR:-}" ]; then
    source scripts/lib/publish.sh
    case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
    ensure_native_toolchain "$arch" || exit 1
    publish_as_the_image "$bench_tmp/published" "$arch" || exit 1
    export ETCDREM_SERVICE_DIR=$bench_tmp/published-$arch
  fi ;;
esac
dotnet run -c Release --project benchmarks/EtcdRemediator.Benchmarks -- "${@:-all}"
