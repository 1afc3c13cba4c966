#!/usr/bin/env bash
# Builds promtool, prometheus and alertmanager from Go modules into a cache
# outside the repository, for the tests that check and run Rewind's alert
# rules. Later runs find the binaries and their stamps and return at once.
# See tools/prometheus/README.md.
#
#   tools/prometheus/build.sh                 build what is missing, print the bin dir
#   tools/prometheus/build.sh --promtool-only build promtool only
#   tools/prometheus/build.sh --print-bin-dir print the bin dir only (builds nothing)
#   tools/prometheus/build.sh --force         rebuild everything
set -euo pipefail

# ---- Pinned versions (override through the environment) --------------------
# Prometheus publishes its Go module as v0.3XX.Y for release v3.XX.Y.
PROMETHEUS_VERSION="${REWIND_PROMETHEUS_VERSION:-v0.316.0}"
ALERTMANAGER_VERSION="${REWIND_ALERTMANAGER_VERSION:-v0.35.0}"
# Bump when the way the binaries are built changes, so cached ones are rebuilt.
RECIPE=1

CACHE_ROOT="${REWIND_TOOLS_CACHE:-${HOME}/.cache/rewind-tools}"
TOOLS_DIR="${CACHE_ROOT}/prometheus-${PROMETHEUS_VERSION}-alertmanager-${ALERTMANAGER_VERSION}"
BIN_DIR="${TOOLS_DIR}/bin"
SRC_DIR="${TOOLS_DIR}/src"
STAMP_DIR="${TOOLS_DIR}/stamps"
GO_PARALLELISM="${REWIND_GO_BUILD_PARALLELISM:-2}"

log() { echo "[rewind-prometheus] $*" >&2; }

usage() {
  sed -n '2,10s/^# \{0,1\}//p' "$0"
}

force=false
promtool_only=false
for arg in "$@"; do
  case "${arg}" in
    --print-bin-dir) echo "${BIN_DIR}"; exit 0 ;;
    --force) force=true ;;
    --promtool-only) promtool_only=true ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ "${REWIND_PROMETHEUS_FORCE_REBUILD:-}" == "1" ]] && force=true
[[ "${REWIND_PROMTOOL_ONLY:-}" == "1" ]] && promtool_only=true

command -v go >/dev/null || { log "go is not on PATH; install Go 1.26 or newer"; exit 1; }

# The module directory of MODULE@VERSION in Go's module cache (downloads it).
module_dir() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

# Prometheus: a wrapper module that requires the upstream module. Its go.mod
# has no replace directives today; any it gets later that are not relative are
# copied (relative ones point into the repository, which a module zip lacks).
prepare_prometheus() {
  local dir="${SRC_DIR}/prometheus"
  if [[ -f "${dir}/.ready" ]] && ! ${force}; then return 0; fi
  log "preparing wrapper module ${dir} for github.com/prometheus/prometheus@${PROMETHEUS_VERSION}"
  rm -rf "${dir}" && mkdir -p "${dir}"
  local upstream
  upstream="$(module_dir "github.com/prometheus/prometheus@${PROMETHEUS_VERSION}")"
  [[ -d "${upstream}" ]] || { log "could not download github.com/prometheus/prometheus@${PROMETHEUS_VERSION}"; return 1; }
  local -a edits=()
  mapfile -t edits < <(go mod edit -json "${upstream}/go.mod" \
    | awk '/"Replace": \[/ {r=1} r && /"Path"/ {gsub(/[",]/, ""); p[++n]=$2} r && /"Version"/ {gsub(/[",]/, ""); v[n]=$2} END {
        for (i = 1; i + 1 <= n; i += 2) if (p[i+1] !~ /^\.\.?\//) print "-replace=" p[i] (v[i] ? "@" v[i] : "") "=" p[i+1] (v[i+1] ? "@" v[i+1] : "")
      }')
  (
    cd "${dir}"
    go mod init rewind.dev/tools/prometheus/prometheus >/dev/null 2>&1
    go mod edit -require="github.com/prometheus/prometheus@${PROMETHEUS_VERSION}" ${edits[@]+"${edits[@]}"}
  )
  touch "${dir}/.ready"
}

# Alertmanager embeds its web UI (ui/app/dist, produced by npm) with go:embed,
# and the module zip does not contain it, so the module cannot be built as it
# is served. The build uses a copy of the module source with a placeholder page
# in place of the UI; the API (/api/v2), which the tests use, is untouched.
prepare_alertmanager() {
  local dir="${SRC_DIR}/alertmanager"
  if [[ -f "${dir}/.ready" ]] && ! ${force}; then return 0; fi
  log "preparing ${dir}: github.com/prometheus/alertmanager@${ALERTMANAGER_VERSION} with a placeholder UI"
  rm -rf "${dir}" && mkdir -p "${SRC_DIR}"
  local upstream
  upstream="$(module_dir "github.com/prometheus/alertmanager@${ALERTMANAGER_VERSION}")"
  [[ -d "${upstream}" ]] || { log "could not download github.com/prometheus/alertmanager@${ALERTMANAGER_VERSION}"; return 1; }
  cp -R "${upstream}" "${dir}"
  chmod -R u+w "${dir}"
  local page='<!doctype html><title>Alertmanager</title><p>Web UI not built (Rewind test build); the API is at /api/v2.</p>'
  local sub
  for sub in elm mantine; do
    mkdir -p "${dir}/ui/app/dist/${sub}"
    echo "${page}" > "${dir}/ui/app/dist/${sub}/index.html"
  done
  touch "${dir}/.ready"
}

version_ldflags() {
  local version="$1"
  local pkg=github.com/prometheus/common/version
  echo "-X ${pkg}.Version=${version} -X ${pkg}.Revision=${2} -X ${pkg}.Branch=release -X ${pkg}.BuildUser=rewind"
}

# Builds PACKAGE inside source dir NAME into BIN_DIR/BINARY unless it is cached.
build_binary() {
  local name="$1" package="$2" binary="$3" ldflags="$4" tags="${5:-}"
  local stamp="${STAMP_DIR}/${binary}" want="recipe=${RECIPE} ${package}@${name} tags=${tags}"
  if [[ -x "${BIN_DIR}/${binary}" && -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]] && ! ${force}; then
    log "${binary}: cached"
    return 0
  fi
  log "${binary}: building ${package} (this takes minutes on a cold cache)"
  local start=${SECONDS}
  (
    cd "${SRC_DIR}/${name}"
    # -mod=mod lets go add the go.sum lines of the build list on first use.
    CGO_ENABLED=0 GOFLAGS=-mod=mod go build -p "${GO_PARALLELISM}" -trimpath -tags "${tags}" \
      -ldflags "-s -w ${ldflags}" -o "${BIN_DIR}/.${binary}.tmp" "${package}"
  )
  mv -f "${BIN_DIR}/.${binary}.tmp" "${BIN_DIR}/${binary}"
  echo "${want}" > "${stamp}"
  log "${binary}: built in $((SECONDS - start))s"
}

mkdir -p "${BIN_DIR}" "${SRC_DIR}" "${STAMP_DIR}"

# Several builds (other worktrees, parallel Maven runs) may share the cache.
if command -v flock >/dev/null; then
  exec 9>"${TOOLS_DIR}/.lock"
  flock 9
fi

total_start=${SECONDS}
log "tools dir ${TOOLS_DIR} (go: $(go env GOVERSION), module cache: $(go env GOMODCACHE))"

# v0.316.0 is Prometheus 3.16.0.
prom_release="$(awk -F. '{ printf "%d.%d.%s", substr($2, 1, 1), substr($2, 2), $3 }' <<<"${PROMETHEUS_VERSION#v}")"

prepare_prometheus
# Without the builtinassets tag the web UI is read from disk at run time and
# its assets (built with npm) are not needed to compile; Rewind uses the API only.
# remove_all_sd: none of the service discovery plugins (the tests use static
# targets); the tag is Prometheus' own, see plugins/.
build_binary prometheus github.com/prometheus/prometheus/cmd/promtool promtool \
  "$(version_ldflags "${prom_release}" "${PROMETHEUS_VERSION}")" remove_all_sd
if ! ${promtool_only}; then
  build_binary prometheus github.com/prometheus/prometheus/cmd/prometheus prometheus \
    "$(version_ldflags "${prom_release}" "${PROMETHEUS_VERSION}")" remove_all_sd
  prepare_alertmanager
  build_binary alertmanager ./cmd/alertmanager alertmanager \
    "$(version_ldflags "${ALERTMANAGER_VERSION#v}" "${ALERTMANAGER_VERSION}")"
fi

log "done in $((SECONDS - total_start))s"
log "binaries in ${BIN_DIR}:"
ls -1 "${BIN_DIR}" | sed 's/^/[rewind-prometheus]   /' >&2
echo "${BIN_DIR}"
