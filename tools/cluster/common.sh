# Shared settings of tools/cluster/up.sh and down.sh (sourced, not run).
# Every setting can be overridden through the environment.

CLUSTER_REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_ROOT="${REWIND_TOOLS_CACHE:-${HOME}/.cache/rewind-tools}"
CLUSTER_DIR="${REWIND_CLUSTER_DIR:-${CACHE_ROOT}/cluster}"

NODE_NAME="${REWIND_NODE_NAME:-rewind-node}"
# The node's address, put on lo: the apiserver advertises it (the `kubernetes`
# Service endpoint cannot be a loopback address) and the kubelet reports it.
NODE_IP="${REWIND_NODE_IP:-10.250.0.1}"
POD_CIDR="${REWIND_POD_CIDR:-10.244.0.0/24}"
POD_GATEWAY="${REWIND_POD_GATEWAY:-10.244.0.1}"
SERVICE_CIDR="${REWIND_SERVICE_CIDR:-10.96.0.0/16}"
KUBERNETES_SERVICE_IP="${REWIND_KUBERNETES_SERVICE_IP:-10.96.0.1}"
DNS_SERVICE_IP="${REWIND_DNS_SERVICE_IP:-10.96.0.10}"
BRIDGE="${REWIND_BRIDGE:-rewind-br0}"
# The filter chain, jumped to first from FORWARD, that keeps pod traffic on the machine.
EGRESS_CHAIN="REWIND-POD-EGRESS"

ETCD_CLIENT_PORT="${REWIND_ETCD_CLIENT_PORT:-23791}"
ETCD_PEER_PORT="${REWIND_ETCD_PEER_PORT:-23801}"
APISERVER_PORT="${REWIND_APISERVER_PORT:-16443}"
CONTROLLER_MANAGER_PORT="${REWIND_CONTROLLER_MANAGER_PORT:-10257}"
SCHEDULER_PORT="${REWIND_SCHEDULER_PORT:-10259}"
KUBELET_PORT="${REWIND_KUBELET_PORT:-10250}"
KUBE_PROXY_METRICS_PORT="${REWIND_KUBE_PROXY_METRICS_PORT:-10249}"
KUBE_PROXY_HEALTHZ_PORT="${REWIND_KUBE_PROXY_HEALTHZ_PORT:-10256}"
# containerd's CRI streaming server (kubectl exec / logs -f / port-forward go through it).
CRI_STREAM_PORT="${REWIND_CRI_STREAM_PORT:-10350}"

PKI="${CLUSTER_DIR}/pki"
LOGS="${CLUSTER_DIR}/logs"
PIDS="${CLUSTER_DIR}/pids"
KUBECONFIG_ADMIN="${CLUSTER_DIR}/admin.kubeconfig"
CONTAINERD_DIR="${CLUSTER_DIR}/containerd"
# containerd's persistent state (images, snapshots, the CRI plugin's containers and sandboxes).
CONTAINERD_STATE_ROOT="${CONTAINERD_DIR}/store"
CONTAINERD_SOCK="${CONTAINERD_DIR}/containerd.sock"
KUBELET_DIR="${CLUSTER_DIR}/kubelet"
# The kubelet's --root-dir: pods, their volumes and plugins.
KUBELET_ROOT_DIR="${KUBELET_DIR}/data"
CNI_DIR="${CLUSTER_DIR}/cni"
# What up.sh changed on the host, so that down.sh can undo exactly that.
HOST_STATE="${CLUSTER_DIR}/host-state"

log() { echo "[rewind-cluster] $*" >&2; }

# Prints the pid of component NAME when it is running (recorded pid, alive, same start time).
running_pid() {
  local file="${PIDS}/$1.pid" pid start
  [[ -f "${file}" ]] || return 1
  read -r pid start < "${file}" || return 1
  [[ -n "${pid}" && -d "/proc/${pid}" ]] || return 1
  [[ "$(awk '{print $22}' "/proc/${pid}/stat" 2>/dev/null)" == "${start}" ]] || return 1
  echo "${pid}"
}

host_state_get() { [[ -f "${HOST_STATE}" ]] && sed -n "s/^$1=//p" "${HOST_STATE}" | tail -1; }
# Records the first value only: the host's own, from before the first up.sh.
host_state_set() { grep -q "^$1=" "${HOST_STATE}" 2>/dev/null || echo "$1=$2" >> "${HOST_STATE}"; }

kctl() { "${KUBE_BIN}/kubectl" --kubeconfig "${KUBECONFIG_ADMIN}" "$@"; }
