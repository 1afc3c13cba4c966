#!/usr/bin/env bash
# Checks a cluster made by tools/cluster/up.sh end to end: imports the sidecar
# image (tools/images/build.sh sidecar), runs manifests/proof.yaml in a
# namespace that enforces Pod Security `restricted`, waits for the sidecar and
# a client that resolves the sidecar's Service by DNS name and reaches it, and
# shows the same from inside the client with kubectl exec. Also checks that
# CoreDNS does not answer names outside the cluster, that a pod cannot open a
# connection off the machine, and that a privileged pod is refused.
#
#   tools/cluster/prove.sh           apply, wait, show; leaves the namespace (down.sh removes it all)
#   tools/cluster/prove.sh --delete  delete the proof namespace afterwards
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
KUBE_BIN="$(bash "${CLUSTER_REPO_DIR}/tools/kube/build.sh" --print-bin-dir)"
IMAGES_OUT="$(bash "${CLUSTER_REPO_DIR}/tools/images/build.sh" --print-out-dir)"
CTR=(ctr --address "${CONTAINERD_SOCK}" --namespace k8s.io)
START=${SECONDS}

[[ -f "${IMAGES_OUT}/sidecar.tar" ]] || { log "no sidecar image: tools/images/build.sh sidecar"; exit 1; }
SIDECAR_IMAGE="$(cat "${IMAGES_OUT}/sidecar.ref")"
t=${SECONDS}
"${CTR[@]}" images import "${IMAGES_OUT}/sidecar.tar" >/dev/null
log "imported ${SIDECAR_IMAGE} in $((SECONDS - t))s"

t=${SECONDS}
sed "s|@SIDECAR_IMAGE@|${SIDECAR_IMAGE}|g" "${CLUSTER_REPO_DIR}/tools/cluster/manifests/proof.yaml" | kctl apply -f - >/dev/null
until kctl -n rewind-proof get pod client >/dev/null 2>&1 && kctl -n rewind-proof get pods -l app=rewind-sidecar -o name 2>/dev/null | grep -q .; do
  ((SECONDS - t < 60)) || { log "pods were not created"; kctl -n rewind-proof get events >&2; exit 1; }
  sleep 0.5
done
if ! kctl -n rewind-proof wait --for=condition=Ready pod -l app=rewind-sidecar --timeout=180s >/dev/null; then
  kctl -n rewind-proof describe pod -l app=rewind-sidecar | tail -15 >&2
  kctl -n rewind-proof logs -l app=rewind-sidecar --tail=30 >&2 || true
  exit 1
fi
log "sidecar pod Ready $((SECONDS - t))s after apply"
if ! kctl -n rewind-proof wait --for=condition=Ready pod/client --timeout=120s >/dev/null; then
  kctl -n rewind-proof describe pod client | tail -15 >&2
  kctl -n rewind-proof exec client -- getent hosts rewind-sidecar.rewind-proof.svc.cluster.local >&2 || true
  kctl -n kube-system logs deploy/coredns --tail=20 >&2 || true
  exit 1
fi
log "client pod Ready (resolved and reached the sidecar's Service) $((SECONDS - t))s after apply"

kctl -n rewind-proof get pods -o wide
echo "--- inside the client pod:"
kctl -n rewind-proof exec client -- id
kctl -n rewind-proof exec client -- cat /etc/resolv.conf
kctl -n rewind-proof exec client -- getent hosts rewind-sidecar.rewind-proof.svc.cluster.local
kctl -n rewind-proof exec client -- bash -c \
  'exec 3<>/dev/tcp/rewind-sidecar/4479; printf "GET /q/health/ready HTTP/1.0\r\n\r\n" >&3; cat <&3; echo'
echo "--- a name outside the cluster is not resolved (no forward in CoreDNS):"
if kctl -n rewind-proof exec client -- getent hosts example.com; then
  log "example.com resolved: CoreDNS should not answer names outside cluster.local"; exit 1
fi
echo "example.com: not resolved"
echo "--- nothing leaves the machine: a connection to an outside address is dropped:"
if kctl -n rewind-proof exec client -- timeout 3 bash -c 'exec 3<>/dev/tcp/1.1.1.1/80' 2>/dev/null; then
  log "a pod reached 1.1.1.1:80: the egress drop rule is not working"; exit 1
fi
echo "1.1.1.1:80: no connection (dropped by ${EGRESS_CHAIN})"
echo "--- a privileged pod is refused in the restricted namespace:"
if kctl -n rewind-proof run refused --image="${SIDECAR_IMAGE}" --image-pull-policy=Never --restart=Never \
    --overrides='{"spec":{"containers":[{"name":"refused","image":"'"${SIDECAR_IMAGE}"'","securityContext":{"privileged":true}}]}}' 2>&1; then
  log "a privileged pod was admitted"; exit 1
fi
if [[ "${1:-}" == "--delete" ]]; then kctl delete namespace rewind-proof --wait=true >/dev/null; fi
log "proof done in $((SECONDS - START))s"
