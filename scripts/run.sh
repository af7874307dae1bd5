#!/usr/bin/env bash
# The README's run command. On loopback: a 3-member etcd cluster, Prometheus scraping it with the
# shipped rules, Alertmanager routing to the service (alertmanager.example.yml), and the service.
# Then it fragments the cluster for real and shows the alert firing, the run, and before/after.
#   scripts/run.sh [--etcd 3.5|3.4] [--no-fragment] [--once] [--port 8080]
#     --etcd         etcd version of the local cluster (default 3.5, as most users run)
#     --no-fragment  start the stack and leave the cluster alone (point your own tools at it)
#     --once         exit (stopping everything) when the remediation has finished
# Ctrl-C stops everything this script started.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
source scripts/lib/local-etcd.sh
source scripts/lib/stack.sh
source scripts/lib/etcd-versions.sh

etcd_major=3.5 port=8080 etcd_base=23790 prom_port=19090 am_port=19093 fragment=1 once=0
while [ $# -gt 0 ]; do
  case $1 in
    --port) port=$2; shift 2 ;;
    --etcd) etcd_major=$2; shift 2 ;;
    --no-fragment) fragment=0; shift ;;
    --once) once=1; shift ;;
    *) echo "usage: $0 [--etcd 3.5|3.4] [--no-fragment] [--once] [--port N]" >&2; exit 2 ;;
  esac
done

ensure_dotnet
ensure_packages etcd-server etcd-client prometheus prometheus-alertmanager curl jq || exit 1
etcd_dir=$(etcd_bin_dir "$etcd_major") || exit 1
export PATH="$etcd_dir:$PATH"

work=$(mktemp -d /tmp/etcdrem-run-XXXXXX)
mkdir -p "$work/config" "$work/data"
cleanup() {
  trap - EXIT INT TERM
  echo
  echo "stopping..."
  stop_stack
  stop_local_etcd
  echo "stopped; nothing is left running. Logs, snapshots and the run database stay in $work (rm -rf it when done)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The first build restores packages and compiles everything (minutes on a small machine): it shows its
# progress (MSBuild's live view in a terminal, a line per project otherwise) and says how long it took.
echo "building the service (the first build restores packages and takes a few minutes; later ones seconds)..."
build_start=$(date +%s)
dotnet build src/EtcdRemediator -c Release -nologo -v minimal -clp:NoSummary || exit 1
echo "built in $(($(date +%s) - build_start)) s"

operator_token=$(random_token)
random_token >"$work/config/webhook.token"
random_token >"$work/config/metrics.token"
cluster=local url="http://127.0.0.1:$port"
auth=(-H "Authorization: Bearer $operator_token")

echo "starting etcd $(etcd_version "$etcd_dir") x3 on 127.0.0.1:$((etcd_base + 1))-$((etcd_base + 3))..."
start_local_etcd "$work/etcd" "$etcd_base" 3 || exit 1
endpoints=$(local_etcd_endpoints "$etcd_base" 3)

echo "starting EtcdRemediator on $url..."
IFS=, read -r -a eps <<<"$endpoints"
service_env=(Remediator__Clusters__0__Name=$cluster
  Remediator__Storage__Path="$work/data/remediator.db" Remediator__Snapshots__Directory="$work/data/snapshots"
  Remediator__Auth__WebhookTokensFile="$work/config/webhook.token" Remediator__Auth__OperatorTokens__0="$operator_token"
  Remediator__Auth__MetricsTokensFile="$work/config/metrics.token"
  Remediator__Policy__PauseBetweenMembers=00:00:02)
for i in "${!eps[@]}"; do service_env+=("Remediator__Clusters__0__Endpoints__${i}=${eps[$i]}"); done
# Debian bookworm's etcd 3.4.23 has two known defrag defects (docs/compatibility.md, "etcd releases with
# known defrag defects"); unaccepted, they refuse the alert's defrag. This throwaway cluster accepts them by name.
if [ "$(etcd_version "$etcd_dir")" = 3.4.23 ]; then
  service_env+=(Remediator__Clusters__0__AcceptedAdvisories__0=defrag-error-panic Remediator__Clusters__0__AcceptedAdvisories__1=defrag-apply-snapshot-race)
fi
start_bg "$work/service.log" env "${service_env[@]}" dotnet src/EtcdRemediator/bin/Release/net10.0/EtcdRemediator.dll --urls "$url"
wait_http "$url/healthz" 60 || { cat "$work/service.log" >&2; exit 1; }
# Ready: /readyz answers 200 once the store records (Healthy, or Degraded while a member does not answer).
wait_http "$url/readyz" 60 || { cat "$work/service.log" >&2; exit 1; }
readiness=$(curl -fsS "$url/readyz" | jq -r '.status // "?"')
echo "EtcdRemediator is ready at $url ($readiness; status page $url/, log $work/service.log)"

echo "starting Alertmanager on 127.0.0.1:$am_port and Prometheus on 127.0.0.1:$prom_port..."
local_alertmanager_config "$port" "$work/config/webhook.token" >"$work/config/alertmanager.yml"
start_bg "$work/alertmanager.log" prometheus-alertmanager --config.file="$work/config/alertmanager.yml" \
  --storage.path="$work/alertmanager" --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address=
local_prometheus_config "$etcd_base" "$am_port" "$port" "$cluster" 2s "$work/config/metrics.token" >"$work/config/prometheus.yml"
demo_etcd_rules >"$work/config/etcd-rules.yml"
cp docker/prometheus/remediator-rules.yml "$work/config/"
start_bg "$work/prometheus.log" prometheus --config.file="$work/config/prometheus.yml" \
  --storage.tsdb.path="$work/prometheus" --web.listen-address="127.0.0.1:$prom_port"
wait_http "http://127.0.0.1:$am_port/-/ready" 30 || exit 1
wait_http "http://127.0.0.1:$prom_port/-/ready" 30 || exit 1

status_table() { curl -fsS "${auth[@]}" -H 'Accept: text/plain' "$url/api/v1/clusters/$cluster/status"; }

cat <<INFO

The stack is up (all on loopback):
  EtcdRemediator  $url          operator token: $operator_token
  Prometheus      http://127.0.0.1:$prom_port   (rules: $work/config/etcd-rules.yml, demo thresholds)
  Alertmanager    http://127.0.0.1:$am_port
  etcd            $endpoints
  status:  curl -H 'Authorization: Bearer $operator_token' -H 'Accept: text/plain' $url/api/v1/clusters/$cluster/status
INFO

if [ "$fragment" -eq 1 ]; then
  echo
  echo "making the cluster fragmented for real (40 MB written, deleted, compacted)..."
  make_fragmentation "${eps[0]}" 40 || exit 1
  echo
  echo "BEFORE:"
  status_table
  echo
  echo "waiting for Prometheus -> Alertmanager -> EtcdRemediator (rule: in use < 50% of the file for 10 s)..."
  start=$(date +%s) run_id="" last=""
  while :; do
    elapsed=$(($(date +%s) - start))
    [ "$elapsed" -gt 180 ] && { echo "no remediation within 180 s; see $work/*.log" >&2; exit 1; }
    alert=$(curl -fsS "http://127.0.0.1:$prom_port/api/v1/alerts" | jq -r '[.data.alerts[] | select(.labels.alertname=="etcdDatabaseHighFragmentationRatio") | .state] | if length == 0 then "inactive" else "\(length) x \(unique | join("/"))" end')
    run=$(curl -fsS "${auth[@]}" "$url/api/v1/remediations?cluster=$cluster&limit=1" | jq -r '.[0] // empty | "\(.id) \(.status) \(.steps | last | if . then "\(.name) \(.member // "")" else "" end)"')
    line="[+${elapsed}s] alert etcdDatabaseHighFragmentationRatio: $alert | run: ${run:-none yet}"
    [ "$line" != "$last" ] && echo "$line" && last=$line
    run_id=${run%% *}
    status=$(echo "$run" | awk '{print $2}')
    case $status in Succeeded|Failed|Refused|NothingToDo|Interrupted) break ;; esac
    sleep 1
  done
  echo
  echo "run $run_id ended $status:"
  curl -fsS "${auth[@]}" "$url/api/v1/remediations/$run_id" | jq -r '.steps[] | "  \(.name | . + " " * (11 - length)) \(.member // "" | . + " " * (4 - length)) \(.outcome) \(.durationSeconds)s  \(.detail // "")"'
  echo
  echo "AFTER:"
  status_table
  echo
  reclaimed=$(curl -fsS "${auth[@]}" "$url/api/v1/remediations/$run_id" | jq -r '.reclaimedBytes')
  snapshot=$(curl -fsS "${auth[@]}" "$url/api/v1/remediations/$run_id" | jq -r '.snapshot.path // "none"')
  echo "reclaimed $reclaimed bytes in total"
  echo "snapshot (verified):  $snapshot  (+ .json sidecar)"
  echo "run record:           curl -H 'Authorization: Bearer $operator_token' $url/api/v1/remediations/$run_id"
  echo "run database:         $work/data/remediator.db"
  [ "$once" -eq 1 ] && { [ "$status" = Succeeded ]; exit $?; }
fi

echo
echo "The stack keeps running. Ctrl-C stops everything."
wait "${STACK_PIDS[0]}"
