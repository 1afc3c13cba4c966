#!/usr/bin/env bash
# Ingest benchmark: storeAndForward ack latency at fixed rates, ingest throughput and sidecar RSS, next to what the
# same PostgreSQL does alone (pgbench: single-row durable commit latency, batched insert rate) and a direct call
# to the destination. Prints the ratios; BENCHMARKS.md records the figures.
#
#   bench/ingest.sh                       # rates 100,500,1000,2000 for 15 s each
#   RATES=100,1000 SECONDS_PER_RATE=10 bench/ingest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

RATES=${RATES:-100,500,1000,2000}
SECONDS_PER_RATE=${SECONDS_PER_RATE:-15}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-15}
CONNECTIONS=${CONNECTIONS:-64}
# The sidecar's JVM settings: the same as its container image (sidecar/src/main/docker/Dockerfile.jvm).
SIDECAR_JAVA_OPTS=${SIDECAR_JAVA_OPTS:-$(sed -n 's/^ENV JAVA_OPTS_APPEND="\(.*\)"$/\1/p' sidecar/src/main/docker/Dockerfile.jvm)}
SIDECAR_MALLOC_ARENA_MAX=${SIDECAR_MALLOC_ARENA_MAX:-$(sed -n 's/^ENV MALLOC_ARENA_MAX="\(.*\)"$/\1/p' sidecar/src/main/docker/Dockerfile.jvm)}

say() { printf '\n== %s\n' "$*"; }

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/pgbench" ]; then
  say "installing PostgreSQL (pgbench and a server) from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

say "building the sidecar and the load generator"
./mvnw -q -B -DskipTests -pl sidecar,bench -am package

work=$(mktemp -d /tmp/rewind-bench.XXXXXX)
chmod 755 "$work"
pgdata="$work/pgdata"
pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sinkport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
capport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mgmtport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runas=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root.
  chown postgres "$work"
  runas=(runuser -u postgres --)
fi
sidecar_pid=
cleanup() {
  [ -n "$sidecar_pid" ] && kill "$sidecar_pid" 2>/dev/null && wait "$sidecar_pid" 2>/dev/null || true
  "${runas[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

say "starting PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on port $pgport (fsync on, synchronous_commit on)"
"${runas[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust >/dev/null
"${runas[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$work/postgres.log" -w -o \
  "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=200" start >/dev/null
psql() { "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql -c "CREATE DATABASE bench" -c "CREATE DATABASE rewind"
psql -d bench -c "CREATE TABLE commit_probe (id uuid PRIMARY KEY, kind text, body bytea, at timestamptz)"

say "pgbench: single-row durable commits, 1 client, ${PGBENCH_SECONDS}s"
cat > "$work/single.sql" <<'SQL'
INSERT INTO commit_probe VALUES (gen_random_uuid(), 'order', '\x7b226f72646572223a317d', now());
SQL
(cd "$work" && "$pgbin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -n -c 1 -j 1 -T "$PGBENCH_SECONDS" \
  -f single.sql -l --log-prefix=single bench > single.out)
read -r commit_p50 commit_p99 < <(cat "$work"/single.* 2>/dev/null | awk 'NF>=6 {print $3}' | sort -n | awk '
  {v[NR]=$1} END {printf "%.3f %.3f\n", v[int(NR*0.5)]/1000, v[int(NR*0.99)]/1000}')
echo "single-row commit latency p50 ${commit_p50} ms, p99 ${commit_p99} ms"

say "pgbench: batched inserts, 1000 rows per transaction, 4 clients, ${PGBENCH_SECONDS}s"
cat > "$work/batch.sql" <<'SQL'
INSERT INTO commit_probe SELECT gen_random_uuid(), 'order', '\x7b226f72646572223a317d', now() FROM generate_series(1, 1000);
SQL
tps=$("$pgbin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -n -c 4 -j 2 -T "$PGBENCH_SECONDS" -f "$work/batch.sql" bench \
  | awk '/^tps/ {print $3}')
batch_rows=$(awk -v t="$tps" 'BEGIN {printf "%.0f", t * 1000}')
echo "batched insert rate ${batch_rows} rows/s"

say "starting the sidecar as injected in a pod (cluster mode: routes from the store) with $SIDECAR_JAVA_OPTS"
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=$SIDECAR_MALLOC_ARENA_MAX java $SIDECAR_JAVA_OPTS -Drewind.mode=cluster -Drewind.namespace=bench -Drewind.workload=bench \
  -Drewind.store.url="postgresql://postgres@127.0.0.1:${pgport}/rewind" -Drewind.delivery.allow-loopback=true \
  -Drewind.capture.port="$capport" -Drewind.proxy.enabled=false -Dquarkus.http.port=0 \
  -Dquarkus.management.port="$mgmtport" -jar sidecar/target/quarkus-app/quarkus-run.jar > "$work/sidecar.log" 2>&1 &
sidecar_pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:${mgmtport}/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$sidecar_pid" 2>/dev/null || { cat "$work/sidecar.log"; exit 1; }
  sleep 0.5
done
# What the operator would publish for a Route "bench" (see RouteCatalog): the sidecar picks it up at once.
psql -d rewind -c "INSERT INTO rewind.routes (namespace, name, generation, spec) VALUES ('bench', 'bench', 1,
  '{\"route\":{\"destination\":{\"url\":\"http://127.0.0.1:${sinkport}/orders\"},\"mode\":\"storeAndForward\",
  \"eventId\":{\"header\":\"Idempotency-Key\"},\"onStoreUnavailable\":\"reject\"}}')"
for _ in $(seq 1 40); do
  curl -s "http://127.0.0.1:${mgmtport}/q/health/ready" | grep -Eq '"served" ?: ?"bench"' && break
  sleep 0.25
done

say "load: rates ${RATES}/s for ${SECONDS_PER_RATE}s each, then ${CONNECTIONS} connections flat out"
java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.rewind.bench.ingest.IngestBench \
  capture="http://127.0.0.1:${capport}/v1/routes/bench" sinkPort="$sinkport" sidecarPid="$sidecar_pid" \
  rates="$RATES" seconds="$SECONDS_PER_RATE" connections="$CONNECTIONS" throughputSeconds=20 \
  commitP50Ms="$commit_p50" commitP99Ms="$commit_p99" batchRowsPerSecond="$batch_rows" \
  out="$root/bench/target/ingest-report.txt"
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; report also in bench/target/ingest-report.txt"
