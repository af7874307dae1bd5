#!/usr/bin/env bash
# Renders the Prometheus rule files (docker/prometheus/*-rules.yml, the one source of the rules,
# unit-tested with promtool) into PrometheusRule objects for the Prometheus Operator, under
# deploy/kubernetes/monitoring: etcd's NOSPACE rule and the remediator's own rules in monitoring/,
# the etcd-mixin's disk rules (which kube-prometheus-stack already ships) in monitoring/etcd-mixin/,
# the watch's rules (for clusters whose etcd metrics are not scraped, such as Talos) in
# monitoring/watch/. Run it after changing a rule file; the test suite fails when a rendered file
# differs from what this script makes. The Helm release label comes from monitoring/release.
#   scripts/render-kubernetes-rules.sh [OUTPUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-deploy/kubernetes/monitoring}

# groups SOURCE [GROUP]: the file's groups without its comments, or only the group named GROUP.
groups() {
  grep -v '^#' "$1" | awk -v want="${2:-}" '
    /^groups:/ { print; next }
    /^  - name: / { keep = (want == "" || $3 == want) }
    keep { print }' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# render SOURCE GROUP NAME DIR: one PrometheusRule named etcd-remediator-NAME in DIR.
render() {
  local source=$1 group=$2 name=$3 dir=$out/$4
  mkdir -p "$dir"
  {
    echo "# Rendered from $source${group:+ (group $group)} by scripts/render-kubernetes-rules.sh: edit that file, then run the script."
    echo "apiVersion: monitoring.coreos.com/v1"
    echo "kind: PrometheusRule"
    echo "metadata:"
    echo "  name: etcd-remediator-$name"
    echo "spec:"
    groups "$source" "$group" | sed -e 's/^\(.\)/  \1/'
  } >"$dir/prometheusrule-$name.yaml"
}

render docker/prometheus/etcd-rules.yml etcd-nospace etcd .
render docker/prometheus/etcd-rules.yml etcd-disk etcd-mixin etcd-mixin
render docker/prometheus/remediator-rules.yml "" remediator .
render docker/prometheus/watch-rules.yml "" watch watch
