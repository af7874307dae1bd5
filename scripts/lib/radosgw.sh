# A real S3 server for the tests: Ceph's RADOS Gateway (Debian bookworm's radosgw 16.2.15) over one monitor and
# one memstore OSD, everything on loopback and under one directory. Sourced; defines:
#   radosgw_start DIR       starts it and returns once the gateway answers, its S3 user and bucket pools exist (~20 s);
#                           writes DIR/env (ETCDREM_TEST_RADOSGW=http://127.0.0.1:PORT and the user's keys) and
#                           DIR/ready, or DIR/failed and returns 1.
#   radosgw_start_background DIR
#                           the same in the background, its start overlapping the build; exports at once
#                           ETCDREM_TEST_RADOSGW_DIR=DIR: the test fixture (RadosGateway.cs) waits for DIR/ready.
#   radosgw_stop DIR        kills what radosgw_start started (pass or fail: nothing left running) and removes DIR.
# Needs: ceph-mon ceph-osd radosgw ceph-common (ensure_packages, scripts/lib/deps.sh).

# A loopback port nothing listens on, below the kernel's ephemeral range (where the tests' own free ports come from).
radosgw_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && { echo "$port"; return 0; }
  done
  return 1
}

# radosgw_daemon DIR NAME COMMAND...: a daemon in the foreground (-f), backgrounded here, its pid kept for radosgw_stop.
radosgw_daemon() {
  local dir=$1 name=$2; shift 2
  "$@" >>"$dir/log/$name.out" 2>&1 &
  echo $! >>"$dir/pids"
  disown $!
}

# radosgw_ceph DIR ARGS...: one idempotent `ceph` command, tried up to five times: on a loaded machine the monitor has
# refused a client's first request ("Error EPERM: problem getting command descriptions from mon.", once in a
# run beside the native compile), and the next one a second later was served.
radosgw_ceph() {
  local dir=$1 try; shift
  for try in 1 2 3 4 5; do
    timeout 60 ceph -c "$dir/ceph.conf" "$@" >>"$dir/start.log" 2>&1 && return 0
    echo "ceph $* failed (try $try of 5)" >>"$dir/start.log"
    sleep 1
  done
  return 1
}

radosgw_start() {
  local dir=$1 started=$SECONDS
  mkdir -p "$dir"/{run,log,mon,osd} || return 1
  : >"$dir/pids"
  rm -f "$dir/ready" "$dir/failed"
  if ! _radosgw_start "$dir"; then
    echo "radosgw did not start; logs in $dir/log" >>"$dir/start.log"
    tail -n 20 "$dir"/log/*.out "$dir"/log/*.log >>"$dir/start.log" 2>/dev/null
    touch "$dir/failed"
    return 1
  fi
  echo "radosgw ready $((SECONDS - started)) s after start" >>"$dir/start.log"
  touch "$dir/ready"
}

_radosgw_start() {
  local dir=$1 conf=$1/ceph.conf mon_port rgw_port fsid osd_uuid access secret
  mon_port=$(radosgw_free_port) && rgw_port=$(radosgw_free_port) || return 1
  [ "$mon_port" != "$rgw_port" ] || rgw_port=$(radosgw_free_port) || return 1
  fsid=$(cat /proc/sys/kernel/random/uuid) osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  access=$(head -c 10 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
  secret=$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = [v1:127.0.0.1:$mon_port]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
osd crush chooseleaf type = 0
run dir = $dir/run
log file = $dir/log/\$name.log
keyring = /dev/null
mon data avail warn = 1
mon data avail crit = 0
[mon.a]
admin socket = $dir/run/mon.a.asok
mon data = $dir/mon
[osd.0]
admin socket = $dir/run/osd.0.asok
osd data = $dir/osd
osd objectstore = memstore
# With auth none an OSD can send its start-up commands (crush location, device class) before it has the monitor's
# map, with a zero fsid: 'wrong fsid', and the OSD exits. It sends none; radosgw_start places it in the crush map.
osd crush update on start = false
osd class update on start = false
memstore device bytes = 4294967296
osd memory target = 536870912
[client.rgw]
admin socket = $dir/run/client.rgw.asok
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw thread pool size = 64
EOF
  monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$mon_port]" "$dir/monmap" >>"$dir/start.log" 2>&1 || return 1
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" >>"$dir/start.log" 2>&1 || return 1
  radosgw_daemon "$dir" mon ceph-mon -f -c "$conf" -i a
  local id
  id=$(timeout 60 ceph -c "$conf" --connect-timeout 30 osd new "$osd_uuid" 2>>"$dir/start.log") || return 1
  [ "$id" = 0 ] || { echo "osd new gave id '$id'" >>"$dir/start.log"; return 1; }
  radosgw_ceph "$dir" osd crush add osd.0 1.0 root=default host=localhost || return 1
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$dir/start.log" 2>&1 || return 1
  radosgw_daemon "$dir" osd ceph-osd -f -c "$conf" -i 0
  radosgw_daemon "$dir" rgw radosgw -f -c "$conf" -n client.rgw
  # The gateway answers an anonymous GET / (an empty bucket list) once its pools exist.
  local answered=""
  local pids pid
  mapfile -t pids <"$dir/pids"
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$rgw_port/" 2>/dev/null && { answered=1; break; }
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null || { echo "daemon $pid exited before the gateway answered" >>"$dir/start.log"; return 1; }
    done
    sleep 0.2
  done
  [ -n "$answered" ] || { echo "the gateway did not answer on 127.0.0.1:$rgw_port within 120 s" >>"$dir/start.log"; return 1; }
  timeout 60 radosgw-admin -c "$conf" user create --uid etcdrem-test --display-name etcdrem-test \
    --access-key "$access" --secret "$secret" >>"$dir/start.log" 2>&1 || return 1
  # The pools the first bucket and the first multipart upload would create on demand (seconds of peering in a test):
  # made here, while scripts/test.sh builds.
  local pool
  for pool in default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec; do
    radosgw_ceph "$dir" osd pool create "$pool" 8 8 || return 1
    radosgw_ceph "$dir" osd pool application enable "$pool" rgw || return 1
  done
  cat >"$dir/env" <<EOF
ETCDREM_TEST_RADOSGW=http://127.0.0.1:$rgw_port
ETCDREM_TEST_RADOSGW_ACCESS_KEY=$access
ETCDREM_TEST_RADOSGW_SECRET_KEY=$secret
EOF
}

radosgw_start_background() {
  local dir=$1
  mkdir -p "$dir" || return 1
  export ETCDREM_TEST_RADOSGW_DIR=$dir
  (radosgw_start "$dir" >/dev/null 2>&1) &
  echo $! >"$dir/starter"
  disown $! # radosgw_stop may kill it mid-start: no "Killed" line from the shell
}

radosgw_stop() {
  local dir=$1 pids=()
  [ -d "$dir" ] || return 0
  # The starter first, so that it starts nothing more; then the daemons, SIGKILL at once: their data is thrown away (a
  # memstore OSD told to stop gracefully first writes everything it holds into its data directory).
  [ -f "$dir/starter" ] && [ ! -e "$dir/ready" ] && [ ! -e "$dir/failed" ] && kill -9 "$(cat "$dir/starter")" 2>/dev/null
  [ -f "$dir/pids" ] && mapfile -t pids <"$dir/pids"
  if [ ${#pids[@]} -gt 0 ]; then
    kill -9 "${pids[@]}" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "${pids[@]}" 2>/dev/null || break
      sleep 0.1
    done
  fi
  # Backstop for a daemon forked between the starter's kill and its pid's line: only this directory's processes.
  pkill -9 -f -- "-c $dir/ceph.conf" 2>/dev/null
  rm -rf "$dir"
  return 0
}
