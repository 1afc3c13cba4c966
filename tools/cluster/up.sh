#!/usr/bin/env bash
# Brings up a real one-node Kubernetes cluster on this machine: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, containerd, kubelet,
# kube-proxy, a CNI bridge and CoreDNS, all state under one scratch folder
# (REWIND_CLUSTER_DIR, default <tools cache>/cluster). Pod traffic never leaves
# the machine: no masquerading, a FORWARD drop rule, CoreDNS answers cluster
# names only. Safe to run again (it starts only what is not running).
# tools/cluster/down.sh removes everything it made. See tools/cluster/README.md.
#
#   tools/cluster/up.sh     the last line of stdout is the admin kubeconfig path
#
# Needs root, the binaries of `tools/kube/build.sh --node`, the packages of
# tools/cluster/host-packages.sh, and the pause and coredns images of
# tools/images/build.sh (built here when missing).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $(id -u) -eq 0 ]] || { log "run as root"; exit 1; }
"${CLUSTER_REPO_DIR}/tools/cluster/host-packages.sh" --check 2>/dev/null \
  || { log "host packages missing: run tools/cluster/host-packages.sh"; exit 1; }
KUBE_BIN="$(bash "${CLUSTER_REPO_DIR}/tools/kube/build.sh" --print-bin-dir)"
for b in etcd kube-apiserver kubectl kube-controller-manager kube-scheduler kubelet kube-proxy coredns; do
  [[ -x "${KUBE_BIN}/${b}" ]] || { log "${KUBE_BIN}/${b} is missing: run tools/kube/build.sh --node"; exit 1; }
done

START=${SECONDS}
mkdir -p "${CLUSTER_DIR}" "${PKI}" "${LOGS}" "${PIDS}" "${CONTAINERD_DIR}" "${KUBELET_DIR}" "${CNI_DIR}/net.d"
exec 8>"${CLUSTER_DIR}/.lock"
flock 8

elapsed() { echo "$((SECONDS - START))s"; }

# Polls COMMAND until it succeeds or TIMEOUT seconds pass (0.5 s between tries).
wait_for() {
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then log "timed out after ${timeout}s waiting for ${what}"; return 1; fi
    sleep 0.5
  done
  log "${what} ($(elapsed))"
}

# Starts NAME (in its own session, output in logs/NAME.log) unless it is running.
start() {
  local name="$1"; shift
  if pid="$(running_pid "${name}")"; then log "${name}: running (pid ${pid})"; return 0; fi
  # fd 8 (the lock) is not passed on: a component holding it would block down.sh.
  setsid "$@" >>"${LOGS}/${name}.log" 2>&1 < /dev/null 8>&- &
  local pid=$!
  # pid and start time: a recycled pid is never taken for ours.
  sleep 0.1
  echo "${pid} $(awk '{print $22}' "/proc/${pid}/stat" 2>/dev/null)" > "${PIDS}/${name}.pid"
  log "${name}: started (pid ${pid}, log ${LOGS}/${name}.log)"
}

alive() { running_pid "$1" >/dev/null || { log "$1 exited; last lines of ${LOGS}/$1.log:"; tail -20 "${LOGS}/$1.log" >&2; return 1; }; }

# ---- Certificates (openssl) --------------------------------------------------
issue() { # NAME CN O SANS(extension value or "") USAGE(client|server|both) [CA, default ca]
  local name="$1" cn="$2" org="$3" sans="$4" usage="$5" ca="${6:-ca}" subj eku
  [[ -f "${PKI}/${name}.crt" ]] && return 0
  subj="/CN=${cn}"; [[ -n "${org}" ]] && subj="/O=${org}${subj}"
  case "${usage}" in client) eku=clientAuth ;; server) eku=serverAuth ;; *) eku=serverAuth,clientAuth ;; esac
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=${eku}"
    [[ -n "${sans}" ]] && echo "subjectAltName=${sans}"
  } > "${PKI}/${name}.ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "${PKI}/${name}.key" -subj "${subj}" -out "${PKI}/${name}.csr" 2>/dev/null
  openssl x509 -req -in "${PKI}/${name}.csr" -CA "${PKI}/${ca}.crt" -CAkey "${PKI}/${ca}.key" -CAcreateserial \
    -days 365 -sha256 -extfile "${PKI}/${name}.ext" -out "${PKI}/${name}.crt" 2>/dev/null
  rm -f "${PKI}/${name}.csr" "${PKI}/${name}.ext"
}

kubeconfig() { # FILE USER CERT
  local file="$1" user="$2" cert="$3"
  [[ -f "${file}" ]] && return 0
  cat > "${file}" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: rewind
  cluster:
    server: https://${NODE_IP}:${APISERVER_PORT}
    certificate-authority-data: $(base64 -w0 "${PKI}/ca.crt")
users:
- name: ${user}
  user:
    client-certificate-data: $(base64 -w0 "${PKI}/${cert}.crt")
    client-key-data: $(base64 -w0 "${PKI}/${cert}.key")
contexts:
- name: rewind
  context: {cluster: rewind, user: ${user}}
current-context: rewind
EOF
  chmod 600 "${file}"
}

new_ca() { # NAME CN
  [[ -f "${PKI}/$1.crt" ]] && return 0
  log "generating $1 in ${PKI}"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -sha256 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -keyout "${PKI}/$1.key" -out "${PKI}/$1.crt" 2>/dev/null
}
new_ca ca rewind-cluster-ca
# The aggregation layer, as kubeadm sets it up: a CA of its own for the front proxy, whose client certificate the
# API server presents to aggregated API servers (Rewind's query.rewind.dev) with the user in X-Remote-* headers.
new_ca front-proxy-ca rewind-front-proxy-ca
issue front-proxy-client front-proxy-client "" "" client front-proxy-ca
issue apiserver kube-apiserver "" "IP:${NODE_IP},IP:${KUBERNETES_SERVICE_IP},IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" server
issue apiserver-kubelet-client kube-apiserver-kubelet-client system:masters "" client
issue admin rewind-admin system:masters "" client
issue controller-manager system:kube-controller-manager "" "" client
issue scheduler system:kube-scheduler "" "" client
issue kube-proxy system:kube-proxy "" "" client
issue kubelet-client "system:node:${NODE_NAME}" system:nodes "" client
issue kubelet-serving "system:node:${NODE_NAME}" system:nodes "IP:${NODE_IP},DNS:${NODE_NAME}" server
if [[ ! -f "${PKI}/sa.key" ]]; then
  openssl genrsa -out "${PKI}/sa.key" 2048 2>/dev/null
  openssl rsa -in "${PKI}/sa.key" -pubout -out "${PKI}/sa.pub" 2>/dev/null
fi
chmod 600 "${PKI}"/*.key
kubeconfig "${KUBECONFIG_ADMIN}" rewind-admin admin
kubeconfig "${CLUSTER_DIR}/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
kubeconfig "${CLUSTER_DIR}/scheduler.kubeconfig" system:kube-scheduler scheduler
kubeconfig "${CLUSTER_DIR}/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
kubeconfig "${CLUSTER_DIR}/kubelet.kubeconfig" "system:node:${NODE_NAME}" kubelet-client

# ---- Host networking: node address, sysctls, the egress drop rule ------------
# The nftables tables that iptables-nft, kube-proxy and the CNI plugins will create: down.sh
# deletes those that did not exist before (and are empty again).
if command -v nft >/dev/null && ! grep -q '^nft_tables_added=' "${HOST_STATE}" 2>/dev/null; then
  before="$(nft list tables 2>/dev/null | awk '{print $2 ":" $3}')"
  added=""
  for table in ip:filter ip:nat ip:mangle ip6:filter ip6:nat ip6:mangle; do
    grep -qx "${table}" <<<"${before}" || added+="${table} "
  done
  echo "nft_tables_added=${added}" >> "${HOST_STATE}"
fi
if ! ip -4 addr show dev lo | grep -q " ${NODE_IP}/32 "; then
  ip addr add "${NODE_IP}/32" dev lo
  host_state_set lo_address_added "${NODE_IP}"
fi
# The bridge plugin turns IP forwarding on (pod -> ClusterIP -> pod is routed);
# br_netfilter must see bridged traffic for Service replies. Restored by down.sh.
host_state_set ip_forward "$(cat /proc/sys/net/ipv4/ip_forward)"
[[ -f /proc/sys/net/bridge/bridge-nf-call-iptables ]] \
  && host_state_set bridge_nf_call_iptables "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables)"
echo 1 > /proc/sys/net/ipv4/ip_forward
[[ -f /proc/sys/net/bridge/bridge-nf-call-iptables ]] && echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables

# Pods talk to this host (INPUT) and to each other over the bridge; anything
# forwarded between the bridge and another interface is dropped, both ways.
ensure_egress_chain() {
  iptables -w -t filter -N "${EGRESS_CHAIN}" 2>/dev/null || true
  iptables -w -t filter -C "${EGRESS_CHAIN}" -i "${BRIDGE}" ! -o "${BRIDGE}" -j DROP 2>/dev/null \
    || iptables -w -t filter -A "${EGRESS_CHAIN}" -i "${BRIDGE}" ! -o "${BRIDGE}" -j DROP
  iptables -w -t filter -C "${EGRESS_CHAIN}" ! -i "${BRIDGE}" -o "${BRIDGE}" -j DROP 2>/dev/null \
    || iptables -w -t filter -A "${EGRESS_CHAIN}" ! -i "${BRIDGE}" -o "${BRIDGE}" -j DROP
  # First in FORWARD, ahead of anything kube-proxy prepends.
  if [[ "$(iptables -w -t filter -S FORWARD | sed -n 2p)" != "-A FORWARD -j ${EGRESS_CHAIN}" ]]; then
    while iptables -w -t filter -D FORWARD -j "${EGRESS_CHAIN}" 2>/dev/null; do :; done
    iptables -w -t filter -I FORWARD 1 -j "${EGRESS_CHAIN}"
  fi
}
ensure_egress_chain

# ---- CNI: a bridge, host-local addresses, no masquerading --------------------
cat > "${CNI_DIR}/net.d/10-rewind.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "rewind-pods",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "${BRIDGE}",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "${CNI_DIR}/ipam",
        "ranges": [[{"subnet": "${POD_CIDR}", "gateway": "${POD_GATEWAY}"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "loopback"}
  ]
}
EOF

# ---- etcd ---------------------------------------------------------------------
start etcd "${KUBE_BIN}/etcd" --name "${NODE_NAME}" --data-dir "${CLUSTER_DIR}/etcd" \
  --listen-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORT}" --advertise-client-urls "http://127.0.0.1:${ETCD_CLIENT_PORT}" \
  --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-cluster "${NODE_NAME}=http://127.0.0.1:${ETCD_PEER_PORT}" \
  --unsafe-no-fsync --snapshot-count 10000 --log-level warn
wait_for "etcd healthy" 60 curl -fsS "http://127.0.0.1:${ETCD_CLIENT_PORT}/health"

# ---- kube-apiserver -----------------------------------------------------------
start kube-apiserver "${KUBE_BIN}/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:${ETCD_CLIENT_PORT}" \
  --bind-address "${NODE_IP}" --advertise-address "${NODE_IP}" --secure-port "${APISERVER_PORT}" \
  --tls-cert-file "${PKI}/apiserver.crt" --tls-private-key-file "${PKI}/apiserver.key" --client-ca-file "${PKI}/ca.crt" \
  --service-cluster-ip-range "${SERVICE_CIDR}" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "${PKI}/sa.pub" --service-account-signing-key-file "${PKI}/sa.key" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
  --kubelet-client-certificate "${PKI}/apiserver-kubelet-client.crt" --kubelet-client-key "${PKI}/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "${PKI}/ca.crt" --kubelet-preferred-address-types InternalIP \
  --requestheader-client-ca-file "${PKI}/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "${PKI}/front-proxy-client.crt" --proxy-client-key-file "${PKI}/front-proxy-client.key" \
  --enable-aggregator-routing=true \
  --profiling=false --v=1
wait_for "kube-apiserver ready" 120 bash -c "kill -0 \$(cut -d' ' -f1 '${PIDS}/kube-apiserver.pid') && '${KUBE_BIN}/kubectl' --kubeconfig '${KUBECONFIG_ADMIN}' get --raw /readyz" \
  || { alive kube-apiserver; exit 1; }

# ---- controller-manager and scheduler -----------------------------------------
start kube-controller-manager "${KUBE_BIN}/kube-controller-manager" \
  --kubeconfig "${CLUSTER_DIR}/controller-manager.kubeconfig" \
  --authentication-kubeconfig "${CLUSTER_DIR}/controller-manager.kubeconfig" \
  --authorization-kubeconfig "${CLUSTER_DIR}/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "${CONTROLLER_MANAGER_PORT}" \
  --use-service-account-credentials --service-account-private-key-file "${PKI}/sa.key" \
  --root-ca-file "${PKI}/ca.crt" --cluster-signing-cert-file "${PKI}/ca.crt" --cluster-signing-key-file "${PKI}/ca.key" \
  --leader-elect=false --profiling=false --v=1
start kube-scheduler "${KUBE_BIN}/kube-scheduler" \
  --kubeconfig "${CLUSTER_DIR}/scheduler.kubeconfig" \
  --authentication-kubeconfig "${CLUSTER_DIR}/scheduler.kubeconfig" \
  --authorization-kubeconfig "${CLUSTER_DIR}/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "${SCHEDULER_PORT}" --leader-elect=false --profiling=false --v=1

# ---- containerd -----------------------------------------------------------------
cat > "${CONTAINERD_DIR}/config.toml" <<EOF
version = 2
root = "${CONTAINERD_STATE_ROOT}"
state = "${CONTAINERD_DIR}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "${CONTAINERD_SOCK}"

[ttrpc]
  address = "${CONTAINERD_SOCK}.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "${CONTAINERD_DIR}/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "rewind.local/pause:1"
  # The machine refuses a negative oom_score_adj; without this runc fails with
  # "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "${CRI_STREAM_PORT}"
  enable_selinux = false
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "${CONTAINERD_DIR}/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${CNI_DIR}/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = ""
EOF
# Fixed host paths containerd and the CNI plugins use whatever the config says: the shims'
# sockets (/run/containerd), libcni's result cache (/var/lib/cni) and the pods' cgroups
# (<controller>/k8s.io). down.sh removes what it finds of them, the folders too if up.sh made them.
[[ -d /run/containerd ]] || host_state_set run_containerd_created 1
[[ -d /var/lib/cni ]] || host_state_set var_lib_cni_created 1
[[ -d /sys/fs/cgroup/memory/k8s.io ]] || host_state_set cgroup_k8s_io_created 1
start containerd containerd --config "${CONTAINERD_DIR}/config.toml" --log-level warn
CTR=(ctr --address "${CONTAINERD_SOCK}" --namespace k8s.io)
wait_for "containerd serving" 60 "${CTR[@]}" version || { alive containerd; exit 1; }

# ---- images: pause (the sandbox) and CoreDNS, from OCI archives -------------------
IMAGES_OUT="$(bash "${CLUSTER_REPO_DIR}/tools/images/build.sh" --print-out-dir)"
for image in pause coredns; do
  if [[ ! -f "${IMAGES_OUT}/${image}.tar" ]]; then
    bash "${CLUSTER_REPO_DIR}/tools/images/build.sh" "${image}" >/dev/null
  fi
  ref="$(cat "${IMAGES_OUT}/${image}.ref")"
  if ! "${CTR[@]}" images ls -q | grep -qx "${ref}"; then
    "${CTR[@]}" images import "${IMAGES_OUT}/${image}.tar" >/dev/null
    log "imported ${ref}"
  fi
done
COREDNS_IMAGE="$(cat "${IMAGES_OUT}/coredns.ref")"

# ---- kubelet --------------------------------------------------------------------
: > "${KUBELET_DIR}/resolv.conf"   # pods get neither the host's search domains nor its upstream servers
# The kubelet links container logs into /var/log/containers and makes a folder per pod in
# /var/log/pods (fixed paths); down.sh removes what it made there.
[[ -d /var/log/containers ]] || host_state_set var_log_containers_created 1
[[ -d /var/log/pods ]] || host_state_set var_log_pods_created 1
cat > "${KUBELET_DIR}/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NODE_IP}
port: ${KUBELET_PORT}
readOnlyPort: 0
healthzPort: 0
tlsCertFile: ${PKI}/kubelet-serving.crt
tlsPrivateKeyFile: ${PKI}/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${PKI}/ca.crt}
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://${CONTAINERD_SOCK}
cgroupDriver: cgroupfs
failCgroupV1: false
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
clusterDNS: [${DNS_SERVICE_IP}]
clusterDomain: cluster.local
resolvConf: ${KUBELET_DIR}/resolv.conf
podLogsDirectory: ${KUBELET_DIR}/pod-logs
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 50Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
protectKernelDefaults: false
makeIPTablesUtilChains: false
maxPods: 60
EOF
start kubelet "${KUBE_BIN}/kubelet" --config "${KUBELET_DIR}/config.yaml" \
  --kubeconfig "${CLUSTER_DIR}/kubelet.kubeconfig" --root-dir "${KUBELET_ROOT_DIR}" \
  --hostname-override "${NODE_NAME}" --node-ip "${NODE_IP}" --v=1

# ---- kube-proxy (iptables mode, no sysctl writes, NodePorts on the node address only) ---
cat > "${CLUSTER_DIR}/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: ${CLUSTER_DIR}/kube-proxy.kubeconfig
hostnameOverride: ${NODE_NAME}
bindAddress: ${NODE_IP}
metricsBindAddress: 127.0.0.1:${KUBE_PROXY_METRICS_PORT}
healthzBindAddress: ${NODE_IP}:${KUBE_PROXY_HEALTHZ_PORT}
mode: iptables
clusterCIDR: ${POD_CIDR}
nodePortAddresses: ["${NODE_IP}/32"]
iptables:
  localhostNodePorts: false
  masqueradeAll: false
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
start kube-proxy "${KUBE_BIN}/kube-proxy" --config "${CLUSTER_DIR}/kube-proxy.yaml" --v=1

node_ready() {
  [[ "$(kctl get node "${NODE_NAME}" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == "True" ]]
}
wait_for "node ${NODE_NAME} Ready" 120 node_ready || { alive kubelet; alive containerd; exit 1; }

# kube-proxy prepends its own FORWARD jumps: keep the drop chain first.
wait_for "kube-proxy rules" 60 iptables -w -t nat -S KUBE-SERVICES || { alive kube-proxy; exit 1; }
ensure_egress_chain

# ---- CoreDNS ------------------------------------------------------------------------
sed -e "s|@COREDNS_IMAGE@|${COREDNS_IMAGE}|g" -e "s|@DNS_SERVICE_IP@|${DNS_SERVICE_IP}|g" \
  "${CLUSTER_REPO_DIR}/tools/cluster/manifests/coredns.yaml" | kctl apply -f - >/dev/null
coredns_ready() {
  [[ "$(kctl -n kube-system get deployment coredns -o jsonpath='{.status.readyReplicas}' 2>/dev/null)" == "1" ]]
}
wait_for "CoreDNS Ready" 180 coredns_ready || { kctl -n kube-system get pods -o wide >&2; exit 1; }

log "cluster up in $(elapsed); kubectl --kubeconfig ${KUBECONFIG_ADMIN} get nodes"
echo "${KUBECONFIG_ADMIN}"
