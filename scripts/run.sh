#!/usr/bin/env bash
# The README's run command: a local 3-member etcd cluster on loopback, the service pointed at it,
# and the live status table. Ctrl-C stops everything this script started.
#   scripts/run.sh [--port 8080] [--etcd-base-port 23790]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
source scripts/lib/local-etcd.sh

port=8080 base=23790
while [ $# -gt 0 ]; do
  case $1 in
    --port) port=$2; shift 2 ;;
    --etcd-base-port) base=$2; shift 2 ;;
    *) echo "usage: $0 [--port N] [--etcd-base-port N]" >&2; exit 2 ;;
  esac
done

ensure_dotnet
ensure_packages etcd-server etcd-client curl || exit 1

work=$(mktemp -d /tmp/etcdrem-run-XXXXXX)
service_pid=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$service_pid" ] && stop_pids "$service_pid"
  stop_local_etcd
  echo "stopped; logs, snapshots and the run database are kept in $work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building..."
dotnet build src/EtcdRemediator -c Release -nologo -clp:ErrorsOnly -v quiet || exit 1

echo "starting etcd x3 on 127.0.0.1:$((base + 1))-$((base + 3))..."
start_local_etcd "$work/etcd" "$base" 3 || exit 1
IFS=, read -r -a endpoints <<<"$(local_etcd_endpoints "$base" 3)"

export Remediator__Clusters__0__Name=local
for i in "${!endpoints[@]}"; do export "Remediator__Clusters__0__Endpoints__${i}=${endpoints[$i]}"; done
export Remediator__Storage__Path="$work/data/remediator.db"
export Remediator__Snapshots__Directory="$work/data/snapshots"
dotnet src/EtcdRemediator/bin/Release/net10.0/EtcdRemediator.dll --urls "http://127.0.0.1:$port" >"$work/service.log" 2>&1 &
service_pid=$!

url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS "$url/api/v1/clusters" >/dev/null 2>&1 && break
  kill -0 "$service_pid" 2>/dev/null || { echo "the service exited; see $work/service.log" >&2; cat "$work/service.log" >&2; exit 1; }
  sleep 0.2
done

echo
curl -fsS -H 'Accept: text/plain' "$url/api/v1/clusters/local/status"
echo
echo "EtcdRemediator is listening on $url (log: $work/service.log)"
echo "  status:  curl -H 'Accept: text/plain' $url/api/v1/clusters/local/status"
echo "  json:    curl $url/api/v1/clusters/local/status"
echo "Ctrl-C stops the service and the etcd members."
wait "$service_pid"
