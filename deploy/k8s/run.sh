#!/usr/bin/env bash
# Runs the sharded sweep on the cluster kubectl points at: the shared volume, the Indexed Job, and once every index
# completed, the merge Job. Kubernetes Jobs have no dependency between them, so this script is the dependency.
#   deploy/k8s/run.sh [TIMEOUT (default 2h)]
# The report is then in the volume at result/; copy it out with a Pod that mounts the claim, e.g.
#   kubectl cp <pod>:/parts/result ./result
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
timeout="${1:-2h}"
kubectl apply -f "$here/parts-pvc.yaml"
kubectl apply -f "$here/sweep-job.yaml"
# Fails (exit 1) when the deadline passes or the Job fails: then no merge is started.
kubectl wait --for=condition=complete job/replsim-sweep --timeout="$timeout"
kubectl apply -f "$here/merge-job.yaml"
kubectl wait --for=condition=complete job/replsim-merge --timeout="$timeout"
kubectl logs job/replsim-merge
