#!/usr/bin/env bash
# Installs the Debian packages that the one-node cluster (tools/cluster) and the
# registry-free images (tools/images) need, when they are missing. Idempotent:
# apt is not touched when everything is installed. Needs root.
#
#   tools/cluster/host-packages.sh          install what is missing
#   tools/cluster/host-packages.sh --check  only report; exit 1 when something is missing
set -euo pipefail

# containerd and runc run the pods; the CNI plugins (bridge, host-local,
# portmap, loopback) in /usr/lib/cni wire them; iptables and conntrack are
# used by kube-proxy and by up.sh's drop rule; debootstrap and umoci build
# images without a registry or daemon; nft lets down.sh delete the empty
# nftables tables that iptables-nft leaves; openssl makes the cluster's certificates;
# iproute2 (ip) and util-linux (nsenter, mountpoint, flock) are used by up.sh/down.sh.
PACKAGES=(containerd runc containernetworking-plugins iptables nftables conntrack debootstrap umoci openssl iproute2 util-linux ca-certificates)

log() { echo "[rewind-host] $*" >&2; }

missing=()
for p in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "${p}" 2>/dev/null || true)"
  [[ "${status}" == "install ok installed" ]] || missing+=("${p}")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all present: ${PACKAGES[*]}"
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  log "missing: ${missing[*]}"
  exit 1
fi
[[ $(id -u) -eq 0 ]] || { log "missing ${missing[*]}; run as root to install them"; exit 1; }

log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Do not let the package start a system containerd: up.sh runs its own.
policy_rc=/usr/sbin/policy-rc.d
added_policy=false
if [[ ! -e "${policy_rc}" ]]; then
  printf '#!/bin/sh\nexit 101\n' > "${policy_rc}" && chmod +x "${policy_rc}" && added_policy=true
fi
trap '${added_policy} && rm -f "${policy_rc}"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
log "installed: ${missing[*]}"
