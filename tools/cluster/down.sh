#!/usr/bin/env bash
# Removes everything tools/cluster/up.sh made: its processes (by their recorded
# pids), pods and their sandboxes, containerd's and the kubelet's mounts, the
# CNI bridge, veths and network namespaces, kube-proxy's rules (kube-proxy
# --cleanup), the egress drop chain, the node address on lo, the sysctls it
# changed, and the scratch folder. Safe after a failed or partial up.sh, and
# when nothing is up.
#
#   tools/cluster/down.sh           tear down and delete the scratch folder
#   tools/cluster/down.sh --keep    tear down, keep the folder (logs, certificates, etcd data)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $(id -u) -eq 0 ]] || { log "run as root"; exit 1; }
keep=false
[[ "${1:-}" == "--keep" ]] && keep=true
START=${SECONDS}
KUBE_BIN="$(bash "${CLUSTER_REPO_DIR}/tools/kube/build.sh" --print-bin-dir)"

if [[ ! -d "${CLUSTER_DIR}" ]]; then
  log "nothing to do: ${CLUSTER_DIR} does not exist"
  exit 0
fi
exec 8>"${CLUSTER_DIR}/.lock"
flock 8

# Sends TERM to NAME's recorded process, waits up to TIMEOUT s, then KILL.
stop() {
  local name="$1" timeout="${2:-20}" pid deadline
  pid="$(running_pid "${name}")" || { rm -f "${PIDS}/${name}.pid"; return 0; }
  kill -TERM "${pid}" 2>/dev/null
  deadline=$((SECONDS + timeout))
  while [[ -d "/proc/${pid}" ]] && ((SECONDS < deadline)); do sleep 0.2; done
  if [[ -d "/proc/${pid}" ]]; then
    kill -KILL "${pid}" 2>/dev/null
    while [[ -d "/proc/${pid}" ]]; do sleep 0.1; done
    log "${name}: killed (pid ${pid})"
  else
    log "${name}: stopped (pid ${pid})"
  fi
  rm -f "${PIDS}/${name}.pid"
}

# Pods first, while the kubelet runs: it stops their containers and lets CNI
# release each sandbox's veth and address. The controllers go first so that
# nothing creates new pods.
stop kube-controller-manager
stop kube-scheduler
# The pods' uids, for their folders in /var/log/pods (the kubelet's own copy goes with the pods).
pod_uids="$(ls "${KUBELET_ROOT_DIR}/pods" 2>/dev/null)"
if running_pid kube-apiserver >/dev/null; then
  pod_uids+=" $("${KUBE_BIN}/kubectl" --kubeconfig "${KUBECONFIG_ADMIN}" get pods --all-namespaces \
    -o jsonpath='{.items[*].metadata.uid}' 2>/dev/null)"
fi
if running_pid kube-apiserver >/dev/null && running_pid kubelet >/dev/null; then
  # A short grace period, not a forced delete: the kubelet then stops each pod at once
  # instead of with the pod's own terminationGracePeriodSeconds.
  "${KUBE_BIN}/kubectl" --kubeconfig "${KUBECONFIG_ADMIN}" delete pods --all --all-namespaces \
    --grace-period=1 --wait=false >/dev/null 2>&1
  deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    [[ -z "$(ctr --address "${CONTAINERD_SOCK}" -n k8s.io tasks ls -q 2>/dev/null)" ]] \
      && [[ -z "$(ip -o link show master "${BRIDGE}" 2>/dev/null)" ]] && break
    sleep 0.5
  done
  log "pods removed by the kubelet ($((SECONDS - START))s)"
fi
stop kubelet
stop kube-proxy
if [[ -x "${KUBE_BIN}/kube-proxy" ]]; then
  "${KUBE_BIN}/kube-proxy" --cleanup --config "${CLUSTER_DIR}/kube-proxy.yaml" >>"${LOGS}/kube-proxy-cleanup.log" 2>&1 \
    || "${KUBE_BIN}/kube-proxy" --cleanup >>"${LOGS}/kube-proxy-cleanup.log" 2>&1 || true
fi

# Whatever the kubelet left: stop the sandboxes through containerd, then the
# shims of this containerd (named by its socket in their command line).
if running_pid containerd >/dev/null; then
  CTR=(ctr --address "${CONTAINERD_SOCK}" -n k8s.io)
  for task in $("${CTR[@]}" tasks ls -q 2>/dev/null); do
    "${CTR[@]}" tasks kill -s KILL "${task}" >/dev/null 2>&1
  done
  for task in $("${CTR[@]}" tasks ls -q 2>/dev/null); do
    "${CTR[@]}" tasks delete -f "${task}" >/dev/null 2>&1
  done
fi
stop containerd
for proc in /proc/[0-9]*; do
  if tr '\0' ' ' < "${proc}/cmdline" 2>/dev/null | grep -q -- "-address ${CONTAINERD_SOCK} "; then
    pid="${proc#/proc/}"
    kill -KILL "${pid}" 2>/dev/null && log "containerd shim ${pid}: killed"
  fi
done
stop kube-apiserver
stop etcd

# Mounts under the scratch folder (overlay rootfs, shm, netns, volumes), deepest first.
for attempt in 1 2 3; do
  mapfile -t mounts < <(awk -v dir="${CLUSTER_DIR}/" 'index($5, dir) == 1 {print $5}' /proc/self/mountinfo | sort -r)
  ((${#mounts[@]} == 0)) && break
  for m in "${mounts[@]}"; do umount "${m}" 2>/dev/null || umount -l "${m}" 2>/dev/null; done
done
((${#mounts[@]} > 0)) && log "unmounted ${#mounts[@]} mount(s) under ${CLUSTER_DIR}"

# Network: veths still on the bridge, the bridge, the egress chain, the node address.
for veth in $(ip -o link show master "${BRIDGE}" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
  ip link del "${veth}" 2>/dev/null
done
ip link del "${BRIDGE}" 2>/dev/null && log "bridge ${BRIDGE} deleted"
while iptables -w -t filter -D FORWARD -j "${EGRESS_CHAIN}" 2>/dev/null; do :; done
iptables -w -t filter -F "${EGRESS_CHAIN}" 2>/dev/null && iptables -w -t filter -X "${EGRESS_CHAIN}" 2>/dev/null \
  && log "iptables chain ${EGRESS_CHAIN} deleted"
# The kubelet's and kube-proxy's leftovers that --cleanup does not take (canary,
# hint and firewall chains): KUBE-* chains, the rules that jump to them first.
remove_kube_chains() {
  local cmd="$1" save="$2" table chain rule
  for table in mangle nat filter; do
    for chain in $("${cmd}" -w -t "${table}" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}'); do
      "${save}" -t "${table}" 2>/dev/null | grep -E -- "-j ${chain}( |$)" | sed 's/^-A/-D/' | while read -r rule; do
        eval "${cmd}" -w -t "${table}" "${rule}" 2>/dev/null
      done
    done
    for chain in $("${cmd}" -w -t "${table}" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}'); do
      "${cmd}" -w -t "${table}" -F "${chain}" 2>/dev/null
    done
    for chain in $("${cmd}" -w -t "${table}" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}'); do
      "${cmd}" -w -t "${table}" -X "${chain}" 2>/dev/null
    done
  done
}
remove_kube_chains iptables iptables-save
remove_kube_chains ip6tables ip6tables-save
# nftables tables that the iptables commands made and that are empty again (iptables-nft leaves them).
if command -v nft >/dev/null; then
  for table in $(host_state_get nft_tables_added); do
    family="${table%%:*}"; name="${table#*:}"
    # Empty: nothing but the table, its chains' headers and policies.
    if nft list table "${family}" "${name}" >/dev/null 2>&1 \
        && nft list table "${family}" "${name}" | awk '{sub(/^[[:space:]]+/, "")} /^(table |chain |type |}|$)/ {next} {found=1} END {exit found}'; then
      nft delete table "${family}" "${name}" 2>/dev/null
    fi
  done
fi
if [[ "$(host_state_get lo_address_added)" == "${NODE_IP}" ]] || ip -4 addr show dev lo | grep -q " ${NODE_IP}/32 "; then
  ip addr del "${NODE_IP}/32" dev lo 2>/dev/null && log "address ${NODE_IP}/32 removed from lo"
fi
# Conntrack entries of pod and service traffic.
command -v conntrack >/dev/null && {
  conntrack -D -s "${POD_CIDR}" >/dev/null 2>&1; conntrack -D -d "${POD_CIDR}" >/dev/null 2>&1
  conntrack -D -d "${SERVICE_CIDR}" >/dev/null 2>&1; true
}

# Sysctls back to the host's own values; fixed host paths the components created.
value="$(host_state_get ip_forward)"; [[ -n "${value}" ]] && echo "${value}" > /proc/sys/net/ipv4/ip_forward
value="$(host_state_get bridge_nf_call_iptables)"
[[ -n "${value}" && -f /proc/sys/net/bridge/bridge-nf-call-iptables ]] && echo "${value}" > /proc/sys/net/bridge/bridge-nf-call-iptables
if [[ -d /var/log/containers ]]; then
  # The kubelet's links, named ..._<container id>.log (they point at /var/log/pods even with podLogsDirectory set).
  find /var/log/containers -maxdepth 1 -type l -lname "${CLUSTER_DIR}/*" -delete
  for container in "${CONTAINERD_STATE_ROOT}"/io.containerd.grpc.v1.cri/containers/*; do
    [[ -d "${container}" ]] && rm -f /var/log/containers/*-"$(basename "${container}")".log
  done
  [[ "$(host_state_get var_log_containers_created)" == "1" ]] && rmdir /var/log/containers 2>/dev/null
fi
# /var/log/pods/<namespace>_<pod>_<uid>: made for each pod (most logs go to podLogsDirectory, not all).
if [[ -d /var/log/pods ]]; then
  for uid in ${pod_uids}; do
    for dir in /var/log/pods/*_"${uid}"; do
      [[ -d "${dir}" ]] && rm -rf "${dir}"
    done
  done
  [[ "$(host_state_get var_log_pods_created)" == "1" ]] && rmdir /var/log/pods 2>/dev/null
fi
if [[ "$(host_state_get run_containerd_created)" == "1" && -d /run/containerd ]]; then
  find /run/containerd -depth -type d -empty -delete 2>/dev/null
  rmdir /run/containerd 2>/dev/null
fi
# Network namespaces of sandboxes not under the state dir (should be none).
for ns in /var/run/netns/cni-*; do
  [[ -e "${ns}" ]] || continue
  umount "${ns}" 2>/dev/null; rm -f "${ns}"
done
# libcni's cached results of this cluster's sandboxes (bridge and containerd's loopback).
for sandbox in "${CONTAINERD_STATE_ROOT}"/io.containerd.grpc.v1.cri/sandboxes/*; do
  [[ -d "${sandbox}" ]] && rm -f /var/lib/cni/results/*-"$(basename "${sandbox}")"-* 2>/dev/null
done
rm -f /var/lib/cni/results/rewind-pods-* 2>/dev/null
if [[ "$(host_state_get var_lib_cni_created)" == "1" && -d /var/lib/cni ]]; then
  find /var/lib/cni -depth -type d -empty -delete 2>/dev/null
fi
# The pods' cgroups: containerd puts them under <controller>/k8s.io (cgroupsPerQOS is off).
# A cgroup folder can only be removed once empty of processes, so this takes only leftovers.
if [[ "$(host_state_get cgroup_k8s_io_created)" == "1" ]]; then
  for dir in /sys/fs/cgroup/*/k8s.io; do
    [[ -d "${dir}" ]] && find "${dir}" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
fi

if ${keep}; then
  rm -f "${HOST_STATE}"
  log "torn down in $((SECONDS - START))s; kept ${CLUSTER_DIR}"
else
  if awk -v dir="${CLUSTER_DIR}/" 'index($5, dir) == 1 {found=1} END {exit !found}' /proc/self/mountinfo; then
    log "mounts remain under ${CLUSTER_DIR}; not deleting it"; exit 1
  fi
  rm -rf "${CLUSTER_DIR}"
  log "torn down in $((SECONDS - START))s; removed ${CLUSTER_DIR}"
fi
