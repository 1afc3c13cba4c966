# Shared by the benchmarks that run the packaged sidecar against Debian's PostgreSQL (bench/ingest.sh,
# bench/scale.sh); sourced, from the repository root, after `set -euo pipefail`.

say() { printf '\n== %s\n' "$*"; }

# A free TCP port on the loopback interface.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The sidecar's JVM settings: the same as its container image (sidecar/src/main/docker/Dockerfile.jvm).
SIDECAR_JAVA_OPTS=${SIDECAR_JAVA_OPTS:-$(sed -n 's/^ENV JAVA_OPTS_APPEND="\(.*\)"$/\1/p' sidecar/src/main/docker/Dockerfile.jvm)}
SIDECAR_MALLOC_ARENA_MAX=${SIDECAR_MALLOC_ARENA_MAX:-$(sed -n 's/^ENV MALLOC_ARENA_MAX="\(.*\)"$/\1/p' sidecar/src/main/docker/Dockerfile.jvm)}

# Sets pgbin to the newest Debian PostgreSQL's bin directory, installing the server (and pgbench) if missing.
use_debian_postgres() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pgbin" ] || [ ! -x "$pgbin/pgbench" ]; then
    say "installing PostgreSQL (a server and pgbench) from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
}

# Sets runas to what runs PostgreSQL's programs on the work directory $1: as postgres when this is root (PostgreSQL
# refuses to run as root), else as this user.
postgres_runs_in() {
  runas=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$1"
    runas=(runuser -u postgres --)
  fi
}

# Starts the sidecar ($sidecar_jar) as injected in a pod (cluster mode: routes from the store, namespace bench),
# capturing on $capport with management on $mgmtport, with extra -D options, and waits until it is ready; sets
# sidecar_pid. Its log goes to $work/sidecar.log.
start_sidecar() {
  # shellcheck disable=SC2086
  MALLOC_ARENA_MAX=$SIDECAR_MALLOC_ARENA_MAX java $SIDECAR_JAVA_OPTS -Drewind.mode=cluster -Drewind.namespace=bench \
    -Drewind.workload=bench -Drewind.delivery.allow-loopback=true \
    -Drewind.capture.port="$capport" -Drewind.proxy.enabled=false -Dquarkus.http.port=0 \
    -Dquarkus.management.port="$mgmtport" "$@" -jar "$sidecar_jar" > "$work/sidecar.log" 2>&1 &
  sidecar_pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:${mgmtport}/q/health/ready" >/dev/null 2>&1 && break
    kill -0 "$sidecar_pid" 2>/dev/null || { cat "$work/sidecar.log"; exit 1; }
    sleep 0.5
  done
}

wait_for_route() {
  for _ in $(seq 1 40); do
    curl -s "http://127.0.0.1:${mgmtport}/q/health/ready" | grep -Eq '"served" ?: ?"bench"' && break
    sleep 0.25
  done
}

# What the operator would publish for a Route "bench" to the destination on $sinkport (see RouteCatalog), through
# the calling script's psql function; the sidecar picks it up at once. After the first sidecar start, which
# creates the schema; kept across runs.
publish_route() {
  psql -d rewind -c "INSERT INTO rewind.routes (namespace, name, generation, spec) VALUES ('bench', 'bench', 1,
    '{\"route\":{\"destination\":{\"url\":\"http://127.0.0.1:${sinkport}/orders\"},\"mode\":\"storeAndForward\",
    \"eventId\":{\"header\":\"Idempotency-Key\"},\"onStoreUnavailable\":\"reject\"}}') ON CONFLICT DO NOTHING"
  wait_for_route
}
