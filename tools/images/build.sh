#!/usr/bin/env bash
# Builds Rewind's container images without a registry or a container daemon,
# as OCI archives that `ctr images import` (containerd) loads; pods use them
# with imagePullPolicy: Never. See tools/images/README.md. Needs root
# (debootstrap, chroot), debootstrap and umoci (tools/cluster/host-packages.sh).
#
#   tools/images/build.sh base             the Java base (Debian minbase + JRE 17), built once and cached
#   tools/images/build.sh pause coredns    the pod sandbox image and CoreDNS (needs tools/kube/build.sh --node)
#   tools/images/build.sh sidecar operator app images from the Quarkus build (./mvnw -pl sidecar,operator -am package)
#   tools/images/build.sh postgresql       PostgreSQL 15 from Debian, for the chart's postgresql.enabled=true
#   tools/images/build.sh example-apps     python3 and examples/apps (Service A, Service B, the ERP)
#   tools/images/build.sh all              all of the above
#   tools/images/build.sh --print-out-dir  print where the archives go, build nothing
#
# The archives go to <cache>/images/out/NAME.tar; their image names are printed
# and kept in NAME.ref next to them.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_ROOT="${REWIND_TOOLS_CACHE:-${HOME}/.cache/rewind-tools}"
# Bump when the base recipe changes: a new base is built next to the old one.
BASE_RECIPE=1
BASE_SUITE=bookworm
BASE_USER_ID=10001
IMAGES_DIR="${CACHE_ROOT}/images"
BASE_DIR="${IMAGES_DIR}/base-${BASE_SUITE}-jre17-r${BASE_RECIPE}"
OUT_DIR="${IMAGES_DIR}/out"
TAG="${REWIND_IMAGE_TAG:-dev}"

# Image names. The pause name is the one containerd's sandbox_image names (tools/cluster/up.sh).
PAUSE_IMAGE="rewind.local/pause:1"
BASE_IMAGE="rewind.local/jre17-base:r${BASE_RECIPE}"
SIDECAR_IMAGE="docker.io/rewind/sidecar:${TAG}"
OPERATOR_IMAGE="docker.io/rewind/operator:${TAG}"
# The names the chart's postgresql.image and examples/cluster use, so that only pullPolicy changes.
POSTGRESQL_IMAGE="docker.io/library/postgres:15-rewind"
EXAMPLE_APPS_IMAGE="docker.io/rewind/example-apps:0.1.0"

log() { echo "[rewind-images] $*" >&2; }

usage() { sed -n '2,14s/^# \{0,1\}//p' "$0"; }

[[ $# -gt 0 ]] || { usage >&2; exit 2; }
if [[ "$1" == "--print-out-dir" ]]; then echo "${OUT_DIR}"; exit 0; fi
if [[ "$1" == "-h" || "$1" == "--help" ]]; then usage; exit 0; fi
[[ $(id -u) -eq 0 ]] || { log "run as root (debootstrap, chroot, file ownership in layers)"; exit 1; }
for tool in umoci debootstrap python3; do
  command -v "${tool}" >/dev/null || { log "${tool} is missing: run tools/cluster/host-packages.sh"; exit 1; }
done
mkdir -p "${IMAGES_DIR}" "${OUT_DIR}"
proc_mount=""
trap '[[ -n "${proc_mount}" ]] && umount "${proc_mount}" 2>/dev/null; true' EXIT

# The Debian mirror the host's apt uses for SUITE_RE (deb822 or one-line sources).
host_mirror() {
  local suite_re="$1" uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v re="${suite_re}" '
      /^URIs:/ {u=$2} /^Suites:/ { for (i=2;i<=NF;i++) if ($i ~ re) { print u; exit } }')"
  if [[ -z "${uri}" ]]; then
    uri="$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk -v re="${suite_re}" '$3 ~ re {print $2; exit}')"
  fi
  echo "${uri}"
}

# Writes OUT_DIR/NAME.tar from LAYOUT:TAG: an OCI archive whose index names only
# that image, as IMAGE (the annotation containerd's import reads).
export_archive() {
  local layout="$1" tag="$2" name="$3" image="$4"
  python3 - "${layout}/index.json" "${tag}" "${image}" <<'PY'
import json, sys
path, tag, image = sys.argv[1:]
index = json.load(open(path))
keep = [m for m in index["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag]
if len(keep) != 1:
    sys.exit("expected one manifest tagged %s in %s" % (tag, path))
keep[0]["annotations"]["io.containerd.image.name"] = image
index["manifests"] = keep
json.dump(index, open(path, "w"))
PY
  umoci gc --layout "${layout}"
  tar -C "${layout}" -cf "${OUT_DIR}/.${name}.tar.tmp" oci-layout index.json blobs
  mv -f "${OUT_DIR}/.${name}.tar.tmp" "${OUT_DIR}/${name}.tar"
  echo "${image}" > "${OUT_DIR}/${name}.ref"
  log "${name}: ${image} -> ${OUT_DIR}/${name}.tar ($(du -m "${OUT_DIR}/${name}.tar" | cut -f1) MiB)"
}

# The Java base: debootstrap minbase + openjdk-17-jre-headless, trimmed, user 10001.
build_base() {
  if [[ -f "${BASE_DIR}/.ready" ]]; then log "base: cached (${BASE_DIR})"; return 0; fi
  local start=${SECONDS} mirror security work="${BASE_DIR}.work"
  mirror="${REWIND_DEBIAN_MIRROR:-$(host_mirror "^${BASE_SUITE}\$")}"
  security="${REWIND_DEBIAN_SECURITY_MIRROR:-$(host_mirror "security")}"
  [[ -n "${mirror}" && -n "${security}" ]] || {
    log "base: no Debian ${BASE_SUITE} mirror in the host's apt sources; set REWIND_DEBIAN_MIRROR and REWIND_DEBIAN_SECURITY_MIRROR"
    return 1
  }
  log "base: debootstrap ${BASE_SUITE} (minbase) from ${mirror}"
  rm -rf "${work}" && mkdir -p "${work}"
  umoci init --layout "${work}/oci"
  umoci new --image "${work}/oci:base"
  umoci unpack --image "${work}/oci:base" "${work}/bundle" >/dev/null
  local rootfs="${work}/bundle/rootfs"
  nice -n 19 debootstrap --variant=minbase "${BASE_SUITE}" "${rootfs}" "${mirror}" >"${work}/debootstrap.log" 2>&1 \
    || { tail -20 "${work}/debootstrap.log" >&2; return 1; }
  log "base: debootstrap done in $((SECONDS - start))s; installing the JRE"
  cat > "${rootfs}/etc/apt/sources.list" <<EOF
deb ${mirror} ${BASE_SUITE} main
deb ${mirror} ${BASE_SUITE}-updates main
deb ${security} ${BASE_SUITE}-security main
EOF
  cp /etc/resolv.conf "${rootfs}/etc/resolv.conf"
  # The JRE's postinst runs java, which needs /proc (else: cannot find libjli.so).
  mount -t proc proc "${rootfs}/proc"
  proc_mount="${rootfs}/proc"
  chroot "${rootfs}" /bin/sh -c '
    set -e
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
    apt-get clean
    groupadd -g '"${BASE_USER_ID}"' rewind
    useradd -u '"${BASE_USER_ID}"' -g '"${BASE_USER_ID}"' -G 0 -M -d /nonexistent -s /usr/sbin/nologin rewind
  ' >"${work}/apt.log" 2>&1 || { tail -20 "${work}/apt.log" >&2; return 1; }
  umount "${rootfs}/proc" && proc_mount=""
  # Trim what a JVM container never reads.
  rm -rf "${rootfs}"/usr/share/{doc,man,info,locale,lintian,linda}/* "${rootfs}"/var/lib/apt/lists/* \
    "${rootfs}"/var/cache/apt/* "${rootfs}"/var/cache/debconf/*-old "${rootfs}"/var/log/* \
    "${rootfs}"/usr/lib/jvm/*/man "${rootfs}"/tmp/* "${rootfs}"/var/tmp/*
  find "${rootfs}/usr/share/zoneinfo" -mindepth 1 -maxdepth 1 ! -name UTC ! -name Etc ! -name zone.tab \
    ! -name tzdata.zi ! -name leapseconds ! -name iso3166.tab ! -name zone1970.tab -exec rm -rf {} + 2>/dev/null || true
  : > "${rootfs}/etc/resolv.conf"
  echo rewind > "${rootfs}/etc/hostname"
  chmod 1777 "${rootfs}/tmp"
  log "base: rootfs $(du -sm "${rootfs}" | cut -f1) MiB; packing"
  umoci repack --image "${work}/oci:base" "${work}/bundle"
  umoci config --image "${work}/oci:base" --config.user "${BASE_USER_ID}" --config.workingdir / \
    --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64" --config.env "LANG=C.UTF-8" \
    --config.cmd /bin/sh --history.created_by "rewind tools/images/build.sh base r${BASE_RECIPE}"
  umoci gc --layout "${work}/oci"
  rm -rf "${BASE_DIR}" && mkdir -p "${BASE_DIR}"
  mv "${work}/oci" "${BASE_DIR}/oci"
  rm -rf "${work}"
  touch "${BASE_DIR}/.ready"
  log "base: built in $((SECONDS - start))s"
}

# An image of one static binary at /NAME, run as USER.
build_static_image() {
  local name="$1" binary="$2" image="$3" user="$4" work="${IMAGES_DIR}/work-$1"
  [[ -x "${binary}" ]] || { log "${name}: ${binary} is missing"; return 1; }
  if [[ "${OUT_DIR}/${name}.tar" -nt "${binary}" && "$(cat "${OUT_DIR}/${name}.ref" 2>/dev/null)" == "${image}" ]]; then
    log "${name}: cached (${OUT_DIR}/${name}.tar)"
    return 0
  fi
  rm -rf "${work}" && mkdir -p "${work}"
  umoci init --layout "${work}/oci"
  umoci new --image "${work}/oci:${name}"
  umoci unpack --image "${work}/oci:${name}" "${work}/bundle" >/dev/null
  install -m 0755 -o 0 -g 0 "${binary}" "${work}/bundle/rootfs/${name}"
  umoci repack --image "${work}/oci:${name}" "${work}/bundle"
  umoci config --image "${work}/oci:${name}" --config.user "${user}" --config.workingdir / \
    --config.entrypoint "/${name}" --history.created_by "rewind tools/images/build.sh ${name}"
  export_archive "${work}/oci" "${name}" "${name}" "${image}"
  rm -rf "${work}"
}

build_pause() {
  local bin="${IMAGES_DIR}/pause-bin"
  if [[ ! -x "${bin}" || "${REPO_DIR}/tools/images/pause/pause.go" -nt "${bin}" ]]; then
    ( cd "${REPO_DIR}/tools/images/pause" && CGO_ENABLED=0 GOFLAGS= go build -trimpath -ldflags '-s -w' -o "${bin}" pause.go )
  fi
  build_static_image pause "${bin}" "${PAUSE_IMAGE}" 65535:65535
}

build_coredns() {
  local bin version
  bin="$(bash "${REPO_DIR}/tools/kube/build.sh" --print-bin-dir)/coredns"
  version="$(sed -n 's/^COREDNS_VERSION="${REWIND_COREDNS_VERSION:-\(.*\)}"$/\1/p' "${REPO_DIR}/tools/kube/build.sh")"
  build_static_image coredns "${bin}" "rewind.local/coredns:${REWIND_COREDNS_VERSION:-${version}}" 65534:65534
}

# ENV lines (ENV NAME="value") of a Dockerfile, as umoci --config.env arguments:
# the app images get the same JVM settings as the Dockerfile builds.
dockerfile_env() {
  sed -n 's/^ENV \([A-Za-z_][A-Za-z0-9_]*\)="\(.*\)"$/--config.env=\1=\2/p' "$1"
}

# An app image: the base plus one layer with the Quarkus fast-jar at /deployments,
# laid out as the module's Dockerfile.jvm does.
build_app() {
  local module="$1" image="$2" app="${REPO_DIR}/$1/target/quarkus-app" work="${IMAGES_DIR}/work-$1"
  [[ -f "${app}/quarkus-run.jar" ]] || { log "${module}: ${app} is missing: ./mvnw -pl ${module} -am package -DskipTests"; return 1; }
  build_base
  local start=${SECONDS}
  rm -rf "${work}" && mkdir -p "${work}/deployments"
  cp -al "${BASE_DIR}/oci" "${work}/oci" 2>/dev/null || cp -a "${BASE_DIR}/oci" "${work}/oci"
  cp -r "${app}/lib" "${app}/app" "${app}/quarkus" "${app}"/*.jar "${work}/deployments/"
  chown -R 0:0 "${work}/deployments" && chmod -R a+rX,go-w "${work}/deployments"
  local -a env
  mapfile -t env < <(dockerfile_env "${REPO_DIR}/${module}/src/main/docker/Dockerfile.jvm")
  umoci config --image "${work}/oci:base" --tag "${module}" "${env[@]}" --config.workingdir /deployments \
    --clear=config.cmd --config.entrypoint /bin/sh --config.entrypoint -c \
    --config.entrypoint 'exec java ${JAVA_OPTS_APPEND} -jar "${JAVA_APP_JAR}" "$@"' --config.entrypoint java \
    --config.user "${BASE_USER_ID}" --history.created_by "rewind tools/images/build.sh ${module}"
  umoci insert --image "${work}/oci:${module}" --history.created_by "COPY ${module}/target/quarkus-app /deployments" \
    "${work}/deployments" /deployments
  export_archive "${work}/oci" "${module}" "${module}" "${image}"
  rm -rf "${work}"
  log "${module}: built in $((SECONDS - start))s"
}

# An image of Debian packages on top of the base: the base unpacked, PACKAGES installed in a chroot,
# SETUP (a shell script) run there as root, then trimmed and packed as one more layer. Rebuilt only when
# the content of this script, PACKAGES, SETUP or FILES (copied in by SETUP from /build) differs from what the
# archive was built from: contents, not modification times, which a fresh clone or a checkout resets.
build_debian_image() {
  local name="$1" image="$2" user="$3" packages="$4" setup="$5"; shift 5
  local files=("$@") work="${IMAGES_DIR}/work-$1" inputs
  inputs="$( (cat "$0" "${files[@]}"; printf '%s\n%s\n%s\n' "${image}" "${packages}" "${setup}") | sha256sum | cut -d' ' -f1)"
  if [[ -f "${OUT_DIR}/${name}.tar" && "$(cat "${OUT_DIR}/${name}.inputs" 2>/dev/null)" == "${inputs}" ]]; then
    log "${name}: cached (${OUT_DIR}/${name}.tar)"
    return 0
  fi
  build_base
  local start=${SECONDS}
  rm -rf "${work}" && mkdir -p "${work}"
  cp -a "${BASE_DIR}/oci" "${work}/oci"
  umoci unpack --image "${work}/oci:base" "${work}/bundle" >/dev/null
  local rootfs="${work}/bundle/rootfs"
  mkdir -p "${rootfs}/build"
  [[ ${#files[@]} -eq 0 ]] || cp "${files[@]}" "${rootfs}/build/"
  cp /etc/resolv.conf "${rootfs}/etc/resolv.conf"
  mount -t proc proc "${rootfs}/proc"
  proc_mount="${rootfs}/proc"
  chroot "${rootfs}" /bin/sh -c '
    set -e
    export DEBIAN_FRONTEND=noninteractive
    '"${setup%%@INSTALL@*}"'
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends '"${packages}"' >/dev/null
    apt-get clean
    '"${setup#*@INSTALL@}"'
  ' >"${work}/apt.log" 2>&1 || { tail -20 "${work}/apt.log" >&2; umount "${rootfs}/proc"; proc_mount=""; return 1; }
  umount "${rootfs}/proc" && proc_mount=""
  rm -rf "${rootfs}/build" "${rootfs}"/usr/share/{doc,man,info,locale,lintian}/* "${rootfs}"/var/lib/apt/lists/* \
    "${rootfs}"/var/cache/apt/* "${rootfs}"/var/cache/debconf/*-old "${rootfs}"/var/log/* "${rootfs}"/tmp/*
  : > "${rootfs}/etc/resolv.conf"
  umoci repack --image "${work}/oci:base" "${work}/bundle"
  umoci config --image "${work}/oci:base" --tag "${name}" --config.user "${user}" \
    --history.created_by "rewind tools/images/build.sh ${name}" "${IMAGE_CONFIG[@]}"
  export_archive "${work}/oci" "${name}" "${name}" "${image}"
  echo "${inputs}" > "${OUT_DIR}/${name}.inputs"
  rm -rf "${work}"
  log "${name}: built in $((SECONDS - start))s"
}

# PostgreSQL 15 (bookworm) as the chart's bundled store runs it: user 999 (the chart's runAsUser; made before
# the package so that postgresql-common takes it), an entrypoint that, like the official image's, initialises
# PGDATA from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB and takes arguments starting with - as the
# server's.
build_postgresql() {
  IMAGE_CONFIG=(--config.env "PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    --config.env "PGDATA=/var/lib/postgresql/data" --config.workingdir / --clear=config.cmd
    --config.entrypoint /usr/local/bin/docker-entrypoint.sh --config.cmd postgres)
  build_debian_image postgresql "${POSTGRESQL_IMAGE}" 999:999 "postgresql-15" '
    groupadd -g 999 postgres
    useradd -u 999 -g 999 -d /var/lib/postgresql -s /bin/sh postgres
    mkdir -p /var/lib/postgresql && chown 999:999 /var/lib/postgresql
    @INSTALL@
    install -m 0755 /build/postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
    rm -rf /var/lib/postgresql/15 /etc/postgresql/15
    mkdir -p /var/run/postgresql && chown 999:999 /var/run/postgresql
  ' "${REPO_DIR}/tools/images/postgresql/postgres-entrypoint.sh"
}

# python3 and the three programs of examples/apps at /app, uid 10001, as examples/apps/Dockerfile.
build_example_apps() {
  IMAGE_CONFIG=(--config.env PYTHONDONTWRITEBYTECODE=1 --config.env PYTHONUNBUFFERED=1 --config.workingdir /app
    --clear=config.cmd --config.entrypoint python3 --config.cmd /app/flaky_service.py)
  build_debian_image example-apps "${EXAMPLE_APPS_IMAGE}" 10001:10001 "python3-minimal libpython3.11-stdlib" '
    @INSTALL@
    mkdir -p /app && install -m 0644 /build/*.py /app/
  ' "${REPO_DIR}"/examples/apps/{erp,service_a,flaky_service}.py
}

targets=("$@")
[[ "${targets[*]}" == "all" ]] && targets=(base pause coredns sidecar operator)
for target in "${targets[@]}"; do
  case "${target}" in
    base) build_base; log "base image (not exported; app images build on it): ${BASE_IMAGE}" ;;
    pause) build_pause ;;
    coredns) build_coredns ;;
    sidecar) build_app sidecar "${SIDECAR_IMAGE}" ;;
    operator) build_app operator "${OPERATOR_IMAGE}" ;;
    postgresql) build_postgresql ;;
    example-apps) build_example_apps ;;
    *) usage >&2; exit 2 ;;
  esac
done
echo "${OUT_DIR}"
