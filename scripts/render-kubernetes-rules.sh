#!/usr/bin/env bash
# Renders the Prometheus rule files (docker/prometheus/*-rules.yml, the one source of the rules,
# unit-tested with promtool) into PrometheusRule objects for the Prometheus Operator:
# deploy/kubernetes/monitoring/prometheusrule-*.yaml, and the watch variant (for clusters whose etcd
# metrics are not scraped, such as Talos) into monitoring/watch/. Run it after changing a rule file;
# the test suite fails when a rendered file differs from what this script makes.
#   scripts/render-kubernetes-rules.sh [OUTPUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-deploy/kubernetes/monitoring}
for source in docker/prometheus/etcd-rules.yml docker/prometheus/remediator-rules.yml docker/prometheus/watch-rules.yml; do
  name=$(basename "$source" .yml)           # etcd-rules, remediator-rules, watch-rules
  dir=$out
  [[ $name == watch-rules ]] && dir=$out/watch && mkdir -p "$dir"
  {
    echo "# Rendered from $source by scripts/render-kubernetes-rules.sh: edit that file, then run the script."
    echo "apiVersion: monitoring.coreos.com/v1"
    echo "kind: PrometheusRule"
    echo "metadata:"
    echo "  name: etcd-remediator-${name%-rules}"
    echo "  labels:"
    echo "    # kube-prometheus-stack's Prometheus selects rules by its Helm release label: set yours."
    echo "    release: kube-prometheus-stack"
    echo "spec:"
    grep -v '^#' "$source" | sed -e 's/^\(.\)/  \1/'
  } >"$dir/prometheusrule-${name%-rules}.yaml"
done
