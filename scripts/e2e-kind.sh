#!/usr/bin/env bash
# End-to-end on a real cluster, for machines with Docker and kind (it cannot run where this
# project is developed: no container engine there). Creates a kind cluster, installs
# gitops-guard (install --export --mode enforce) and checks that a selector change on a Flux-labelled Deployment is
# rewritten (first apply) and then denied with 422 "field is immutable" (second apply).
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTER=${CLUSTER:-gitops-guard-e2e}
IMAGE=ghcr.io/gitops-guard/gitops-guard:0.1.0
for tool in docker kind kubectl; do command -v "$tool" >/dev/null || { echo "e2e-kind needs $tool" >&2; exit 2; }; done
kind create cluster --name "$CLUSTER" --wait 120s
trap 'kind delete cluster --name "$CLUSTER"' EXIT
docker build -t "$IMAGE" .
kind load docker-image "$IMAGE" --name "$CLUSTER"
rm -rf .tmp/e2e-certs && mkdir -p .tmp/e2e-certs
node dist/src/bin/gitops-guard.js install --export --mode enforce --image "$IMAGE" > .tmp/e2e-install.yaml
node dist/src/bin/gitops-guard.js certs --dir .tmp/e2e-certs --namespace gitops-guard --inject .tmp/e2e-install.yaml
kubectl create namespace gitops-guard --dry-run=client -o yaml | kubectl apply -f -
kubectl -n gitops-guard create secret generic gitops-guard-tls --from-file=.tmp/e2e-certs/tls.crt --from-file=.tmp/e2e-certs/tls.key --from-file=.tmp/e2e-certs/ca.crt
# Every object as generated must be accepted by a real API server (server-side dry run first: its validation, CEL included).
kubectl apply --dry-run=server -f .tmp/e2e-install.yaml
kubectl apply -f .tmp/e2e-install.yaml
kubectl -n gitops-guard rollout status deployment/gitops-guard --timeout=120s
kubectl -n gitops-guard rollout status deployment/gitops-guard-watch --timeout=120s
kubectl create namespace web --dry-run=client -o yaml | kubectl apply -f -
deploy() {
  cat <<YAML | kubectl apply -f - 2>&1
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: web, labels: {kustomize.toolkit.fluxcd.io/name: apps, kustomize.toolkit.fluxcd.io/namespace: flux-system}}
spec:
  selector: {matchLabels: {app: api, tier: $1}}
  template:
    metadata: {labels: {app: api, tier: $1}}
    spec: {containers: [{name: api, image: registry.k8s.io/pause:3.10}]}
YAML
}
deploy fe
deploy frontend | tee .tmp/e2e-first.txt
kubectl -n web get deployment api -o jsonpath='{.metadata.annotations.gitops-guard\.io/replace}' | grep -q recreate
deploy frontend | tee .tmp/e2e-second.txt || true
grep -q "field is immutable" .tmp/e2e-second.txt
echo "e2e-kind: passed"
