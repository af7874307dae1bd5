# Starts a local N-member etcd cluster on loopback. Sourced; defines start_local_etcd and
# stop_local_etcd. Members listen on 127.0.0.1:BASE+1, BASE+2, ... (client) and BASE+11.. (peer).

LOCAL_ETCD_PIDS=()

start_local_etcd() {
  local dir=$1 base=$2 members=${3:-3} quota=${4:-}
  local cluster="" i
  for i in $(seq 1 "$members"); do
    cluster+="${cluster:+,}m$i=http://127.0.0.1:$((base + 10 + i))"
  done
  for i in $(seq 1 "$members"); do
    local client="http://127.0.0.1:$((base + i))" peer="http://127.0.0.1:$((base + 10 + i))"
    mkdir -p "$dir"
    etcd --name "m$i" --data-dir "$dir/m$i" \
      --listen-client-urls "$client" --advertise-client-urls "$client" \
      --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token "local-$base" \
      --logger zap --log-outputs stderr ${quota:+--quota-backend-bytes "$quota"} \
      2>"$dir/m$i.log" &
    LOCAL_ETCD_PIDS+=($!)
  done
  local endpoints
  endpoints=$(local_etcd_endpoints "$base" "$members")
  for _ in $(seq 1 100); do
    ETCDCTL_API=3 etcdctl --endpoints "$endpoints" endpoint health >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "etcd did not become healthy; see $dir/m*.log" >&2
  return 1
}

local_etcd_endpoints() {
  local base=$1 members=${2:-3} out="" i
  for i in $(seq 1 "$members"); do out+="${out:+,}http://127.0.0.1:$((base + i))"; done
  echo "$out"
}

# SIGTERM, up to 5 s for a graceful stop, then SIGKILL: a member whose peers are already gone
# can wait a long time for them, and a demo must never leave a process behind.
stop_pids() {
  [ $# -eq 0 ] && return 0
  kill "$@" 2>/dev/null
  for _ in $(seq 1 50); do
    kill -0 "$@" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$@" 2>/dev/null
  wait "$@" 2>/dev/null
  return 0
}

stop_local_etcd() {
  stop_pids "${LOCAL_ETCD_PIDS[@]}"
  LOCAL_ETCD_PIDS=()
}
