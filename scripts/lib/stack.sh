# Helpers for the local stack: background processes we own, readiness waits, generated configs.
# Sourced by scripts/run.sh; uses stop_pids from local-etcd.sh.

STACK_PIDS=()

# start_bg LOG CMD...: start CMD in the background with output to LOG, remember its pid.
start_bg() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  STACK_PIDS+=($!)
}

stop_stack() {
  stop_pids "${STACK_PIDS[@]}"
  STACK_PIDS=()
}

# wait_http URL [SECONDS] [CURL ARGS...]: until URL answers 2xx.
wait_http() {
  local url=$1 seconds=${2:-30}; shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "timed out waiting for $url" >&2
  return 1
}

random_token() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Prometheus config for loopback: the compose file's host names become local ports, its metrics token file ours.
local_prometheus_config() {
  local etcd_base=$1 am_port=$2 service_port=$3 cluster=$4 interval=$5 metrics_token_file=$6
  sed -e "s#credentials_file: ../secrets/metrics.token#credentials_file: $metrics_token_file#" -e "s/etcd-1:2379/127.0.0.1:$((etcd_base + 1))/" -e "s/etcd-2:2379/127.0.0.1:$((etcd_base + 2))/" \
      -e "s/etcd-3:2379/127.0.0.1:$((etcd_base + 3))/" -e "s/alertmanager:9093/127.0.0.1:$am_port/" \
      -e "s/remediator:8080/127.0.0.1:$service_port/" -e "s/cluster: local/cluster: $cluster/" \
      -e "s/scrape_interval: 15s/scrape_interval: $interval/" -e "s/evaluation_interval: 15s/evaluation_interval: $interval/" \
      docker/prometheus/prometheus.yml
}

# The etcd rules with demo-sized thresholds: 1 MiB in use instead of 100 MiB, seconds instead of minutes.
demo_etcd_rules() {
  sed -e 's/> 104857600/> 1048576/' -e 's/for: 10m/for: 10s/' -e 's/for: 1m/for: 10s/' docker/prometheus/etcd-rules.yml
}

# The example Alertmanager config pointed at our service and token file, with a short group_wait.
local_alertmanager_config() {
  local service_port=$1 token_file=$2
  sed -e "s#http://127.0.0.1:8080/api/v1/alerts#http://127.0.0.1:$service_port/api/v1/alerts#" \
      -e "s#/etc/alertmanager/etcd-remediator.token#$token_file#" -e 's/group_wait: 30s/group_wait: 2s/' \
      alertmanager.example.yml
}

# make_fragmentation ENDPOINT MB: real fragmentation, as the tests make it: ~MB of 10 KB values
# written in 1 MB transactions, deleted, and compacted away; 2 MB of data stays in use.
make_fragmentation() {
  local endpoint=$1 mb=$2 value txn i j
  value=$(head -c 10240 /dev/zero | tr '\0' 'x')
  txn=$(mktemp)
  write_batch() {  # prefix batch
    { echo; for i in $(seq 1 100); do echo "put $1$2-$i $value"; done; echo; echo; } >"$txn"
    ETCDCTL_API=3 etcdctl --endpoints "$endpoint" txn <"$txn" >/dev/null
  }
  for j in 1 2; do write_batch keep/ "$j"; done
  for j in $(seq 1 "$mb"); do write_batch frag/ "$j"; done
  rm -f "$txn"
  ETCDCTL_API=3 etcdctl --endpoints "$endpoint" del --prefix frag/ >/dev/null
  local rev
  rev=$(ETCDCTL_API=3 etcdctl --endpoints "$endpoint" endpoint status -w json | grep -o '"revision":[0-9]*' | head -n 1 | cut -d: -f2)
  ETCDCTL_API=3 etcdctl --endpoints "$endpoint" compact "$rev" --physical >/dev/null
}
