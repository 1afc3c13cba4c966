#!/usr/bin/env bash
# Builds the Kubernetes binaries that Rewind's integration tests run against
# (kube-apiserver, etcd, kubectl, helm) from Go modules, into a cache outside
# the repository. Later runs find the binaries and their stamps and return at
# once. With --node it also builds what a one-node cluster needs (kubelet,
# kube-controller-manager, kube-scheduler, kube-proxy, coredns; see
# tools/cluster). See tools/kube/README.md.
#
#   tools/kube/build.sh                 build what is missing, print the bin dir
#   tools/kube/build.sh --node          the same, plus the node binaries
#   tools/kube/build.sh --print-bin-dir print the bin dir only (builds nothing)
#   tools/kube/build.sh --force         rebuild everything (add --node for those too)
set -euo pipefail

# ---- Pinned versions (override through the environment) --------------------
K8S_VERSION="${REWIND_K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${REWIND_ETCD_VERSION:-v3.6.16}"
HELM_VERSION="${REWIND_HELM_VERSION:-v3.22.0}"
# Only with --node (the one-node cluster); its version is in its stamp, not in the dir name.
COREDNS_VERSION="${REWIND_COREDNS_VERSION:-v1.15.0}"
# Bump when the way the binaries are built changes, so cached ones are rebuilt.
RECIPE=1

CACHE_ROOT="${REWIND_TOOLS_CACHE:-${HOME}/.cache/rewind-tools}"
TOOLS_DIR="${CACHE_ROOT}/kube-${K8S_VERSION}-etcd-${ETCD_VERSION}-helm-${HELM_VERSION}"
BIN_DIR="${TOOLS_DIR}/bin"
SRC_DIR="${TOOLS_DIR}/src"
STAMP_DIR="${TOOLS_DIR}/stamps"
GO_PARALLELISM="${REWIND_GO_BUILD_PARALLELISM:-2}"

log() { echo "[rewind-kube] $*" >&2; }

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "$0"
}

force=false
node=false
for arg in "$@"; do
  case "${arg}" in
    --print-bin-dir) echo "${BIN_DIR}"; exit 0 ;;
    --force) force=true ;;
    --node) node=true ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "${REWIND_KUBE_FORCE_REBUILD:-}" == "1" ]] && force=true
[[ "${REWIND_KUBE_NODE:-}" == "1" ]] && node=true

command -v go >/dev/null || { log "go is not on PATH; install Go 1.26 or newer"; exit 1; }

# Prints `go mod edit -replace` arguments for a wrapper module around
# MODULE@VERSION, read from the go.mod that the module proxy serves for it.
# Relative replaces (../api, ./staging/src/k8s.io/api) point into the upstream
# monorepo, which a module zip does not contain, so each becomes a replace by
# the published version of that module: the version upstream requires, or, for
# the v0.0.0 placeholders Kubernetes uses for its staging modules, STAGING_VERSION.
# Relative replaces of modules upstream does not require are guards
# (./FORBIDDEN_DEPENDENCY) and are dropped; any other replace is kept as it is.
wrapper_replaces() {
  local module_version="$1" staging_version="$2" gomod
  gomod="$(go mod download -json "${module_version}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "${gomod}" ]] || { log "could not download the go.mod of ${module_version}"; return 1; }
  go mod edit -print "${gomod}" | awk -v staging="${staging_version}" '
    function add(line,   f, n, arrow, old, oldv, new, newv) {
      n = split(line, f, /[[:space:]]+/)
      for (i = 1; i <= n; i++) if (f[i] == "=>") arrow = i
      old = f[1]; oldv = (arrow == 3) ? "@" f[2] : ""
      new = f[arrow + 1]; newv = (arrow + 2 <= n) ? "@" f[arrow + 2] : ""
      if (new ~ /^\.\.?\//) {
        if (!(old in required)) return
        v = (required[old] == "v0.0.0") ? staging : required[old]
        print "-replace=" old "=" old "@" v
      } else {
        print "-replace=" old oldv "=" new newv
      }
    }
    /^require \($/ { block = "require"; next }
    /^replace \($/ { block = "replace"; next }
    /^\)$/         { block = ""; next }
    block == "require" { sub(/^[[:space:]]+/, ""); required[$1] = $2; next }
    /^require /        { required[$2] = $3; next }
    block == "replace" { sub(/^[[:space:]]+/, ""); replaces[++r] = $0; next }
    /^replace /        { sub(/^replace /, ""); replaces[++r] = $0; next }
    /^godebug /        { godebug[++g] = $2; next }
    END {
      for (j = 1; j <= r; j++) add(replaces[j])
      for (j = 1; j <= g; j++) print "-godebug=" godebug[j]
    }'
}

# Creates (once) the wrapper module in SRC_DIR/NAME that requires MODULE@VERSION.
prepare_wrapper() {
  local name="$1" module="$2" version="$3" staging_version="$4" dir="${SRC_DIR}/$1"
  if [[ -f "${dir}/.ready" ]] && ! ${force}; then return 0; fi
  log "preparing wrapper module ${dir} for ${module}@${version}"
  rm -rf "${dir}" && mkdir -p "${dir}"
  # Through a file, not a process substitution, so that a failure stops the script.
  wrapper_replaces "${module}@${version}" "${staging_version}" > "${dir}/go.mod.edits"
  local -a edits
  mapfile -t edits < "${dir}/go.mod.edits"
  (
    cd "${dir}"
    go mod init "rewind.dev/tools/kube/${name}" >/dev/null 2>&1
    go mod edit -require="${module}@${version}" "${edits[@]}"
    log "  $(grep -c '=>' go.mod) replace directive(s) generated from the upstream go.mod"
  )
  touch "${dir}/.ready"
}

# Builds PACKAGE inside wrapper NAME into BIN_DIR/BINARY unless it is cached.
build_binary() {
  local name="$1" package="$2" binary="$3" ldflags="$4"
  local stamp="${STAMP_DIR}/${binary}" want="recipe=${RECIPE} ${package}@${name}"
  if [[ -x "${BIN_DIR}/${binary}" && -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]] && ! ${force}; then
    log "${binary}: cached"
    return 0
  fi
  log "${binary}: building ${package} (this takes minutes on a cold cache)"
  local start=${SECONDS}
  (
    cd "${SRC_DIR}/${name}"
    # -mod=mod lets go add the go.sum lines of the build list on first use.
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -p "${GO_PARALLELISM}" -trimpath \
      -ldflags "-s -w ${ldflags}" -o "${BIN_DIR}/.${binary}.tmp" "${package}"
  )
  mv -f "${BIN_DIR}/.${binary}.tmp" "${BIN_DIR}/${binary}"
  echo "${want}" > "${stamp}"
  log "${binary}: built in $((SECONDS - start))s"
}

k8s_version_ldflags() {
  local minor patch_less="${K8S_VERSION#v}" flags="" pkg
  minor="$(cut -d. -f2 <<<"${patch_less}")"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    flags+=" -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
    flags+=" -X ${pkg}.gitTreeState=clean"
  done
  echo "${flags}"
}

helm_version_ldflags() {
  # Helm's own Makefile derives the default Kubernetes version for `helm
  # template` from the client-go it was built with; do the same.
  local client_go minor
  client_go="$(cd "${SRC_DIR}/helm" && GOFLAGS=-mod=mod go list -m -f '{{.Version}}' k8s.io/client-go)"
  minor="$(cut -d. -f2 <<<"${client_go}")"
  echo "-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION} -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${minor}" \
    "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${minor}"
}

mkdir -p "${BIN_DIR}" "${SRC_DIR}" "${STAMP_DIR}"

# Several builds (other worktrees, parallel Maven runs) may share the cache.
if command -v flock >/dev/null; then
  exec 9>"${TOOLS_DIR}/.lock"
  flock 9
fi

total_start=${SECONDS}
log "tools dir ${TOOLS_DIR} (go: $(go env GOVERSION), module cache: $(go env GOMODCACHE))"

k8s_minor_patch="${K8S_VERSION#v1.}"
prepare_wrapper kubernetes k8s.io/kubernetes "${K8S_VERSION}" "v0.${k8s_minor_patch}"
prepare_wrapper etcd go.etcd.io/etcd/server/v3 "${ETCD_VERSION}" "${ETCD_VERSION}"
prepare_wrapper helm helm.sh/helm/v3 "${HELM_VERSION}" "${HELM_VERSION}"

build_binary etcd go.etcd.io/etcd/server/v3 etcd ""
build_binary kubernetes k8s.io/kubernetes/cmd/kube-apiserver kube-apiserver "$(k8s_version_ldflags)"
build_binary kubernetes k8s.io/kubernetes/cmd/kubectl kubectl "$(k8s_version_ldflags)"
build_binary helm helm.sh/helm/v3/cmd/helm helm "$(helm_version_ldflags)"

if ${node}; then
  # Same wrapper module and version flags as kube-apiserver: the Node reports
  # the kubelet's version, which would otherwise be v0.0.0-master.
  for component in kube-scheduler kube-proxy kubelet kube-controller-manager; do
    build_binary kubernetes "k8s.io/kubernetes/cmd/${component}" "${component}" "$(k8s_version_ldflags)"
  done
  # CoreDNS has no replace directives; the wrapper's name carries the version,
  # so that the stamp changes with it.
  prepare_wrapper "coredns-${COREDNS_VERSION}" github.com/coredns/coredns "${COREDNS_VERSION}" ""
  build_binary "coredns-${COREDNS_VERSION}" github.com/coredns/coredns coredns \
    "-X github.com/coredns/coredns/coremain.GitCommit=${COREDNS_VERSION}"
fi

log "done in $((SECONDS - total_start))s"
log "binaries in ${BIN_DIR}:"
ls -1 "${BIN_DIR}" | sed 's/^/[rewind-kube]   /' >&2
echo "${BIN_DIR}"
