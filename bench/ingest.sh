#!/usr/bin/env bash
# Ingest benchmark: storeAndForward ack latency at fixed rates, ingest throughput and sidecar RSS, next to what the
# same PostgreSQL does alone (pgbench: single-row durable commit latency, batched insert rate) and a direct call
# to the destination. Prints the ratios; BENCHMARKS.md records the figures.
#
#   bench/ingest.sh                       # rates 100,500,1000,2000 for 15 s each
#   RATES=100,1000 SECONDS_PER_RATE=10 bench/ingest.sh
#
# With RLS=1 the same load runs a second time against a sidecar logging in as the namespace's own role (tenant
# isolation, docs/tenant-isolation.md: row-level security on every statement), after the first run's sidecar,
# which logs in as the superuser (superusers bypass row-level security: the figures without it). Both reports
# are printed, then one table side by side with the ratios.
#   RLS=1 RATES=100,500 SECONDS_PER_RATE=10 THROUGHPUT_SECONDS=10 PGBENCH_SECONDS=5 bench/ingest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

RATES=${RATES:-100,500,1000,2000}
SECONDS_PER_RATE=${SECONDS_PER_RATE:-15}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-15}
CONNECTIONS=${CONNECTIONS:-64}
THROUGHPUT_SECONDS=${THROUGHPUT_SECONDS:-20}
RLS=${RLS:-0}
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

# Starts the sidecar as injected in a pod (cluster mode: routes from the store), with extra -D options, and waits
# until it is ready.
start_sidecar() {
  # shellcheck disable=SC2086
  MALLOC_ARENA_MAX=$SIDECAR_MALLOC_ARENA_MAX java $SIDECAR_JAVA_OPTS -Drewind.mode=cluster -Drewind.namespace=bench -Drewind.workload=bench \
    -Drewind.delivery.allow-loopback=true \
    -Drewind.capture.port="$capport" -Drewind.proxy.enabled=false -Dquarkus.http.port=0 \
    -Dquarkus.management.port="$mgmtport" "$@" -jar sidecar/target/quarkus-app/quarkus-run.jar > "$work/sidecar.log" 2>&1 &
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

load() {
  java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.rewind.bench.ingest.IngestBench \
    capture="http://127.0.0.1:${capport}/v1/routes/bench" sinkPort="$sinkport" sidecarPid="$sidecar_pid" \
    rates="$RATES" seconds="$SECONDS_PER_RATE" connections="$CONNECTIONS" throughputSeconds="$THROUGHPUT_SECONDS" \
    commitP50Ms="$commit_p50" commitP99Ms="$commit_p99" batchRowsPerSecond="$batch_rows" out="$1"
}

say "starting the sidecar as injected in a pod (cluster mode: routes from the store) with $SIDECAR_JAVA_OPTS"
start_sidecar -Drewind.store.url="postgresql://postgres@127.0.0.1:${pgport}/rewind"
# What the operator would publish for a Route "bench" (see RouteCatalog): the sidecar picks it up at once.
psql -d rewind -c "INSERT INTO rewind.routes (namespace, name, generation, spec) VALUES ('bench', 'bench', 1,
  '{\"route\":{\"destination\":{\"url\":\"http://127.0.0.1:${sinkport}/orders\"},\"mode\":\"storeAndForward\",
  \"eventId\":{\"header\":\"Idempotency-Key\"},\"onStoreUnavailable\":\"reject\"}}')"
wait_for_route

say "load: rates ${RATES}/s for ${SECONDS_PER_RATE}s each, then ${CONNECTIONS} connections flat out"
load "$root/bench/target/ingest-report.txt"

if [ "$RLS" = 1 ]; then
  kill "$sidecar_pid" && wait "$sidecar_pid" 2>/dev/null || true
  sidecar_pid=
  # The same start for both runs: an empty journal.
  psql -d rewind -c "TRUNCATE rewind.events, rewind.attempts, rewind.replay_items, rewind.senders, rewind.breakers"
  # The namespace's role, as the operator makes it: ensure_tenant with a SCRAM verifier (computed here as
  # ScramVerifier does), the sidecar reading its user and password from a directory as from the mounted Secret.
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
  verifier=$(python3 - "$password" <<'PY'
import base64, hashlib, hmac, os, sys
salt = os.urandom(16)
salted = hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), salt, 4096)
client = hmac.new(salted, b"Client Key", "sha256").digest()
server = hmac.new(salted, b"Server Key", "sha256").digest()
b = lambda x: base64.b64encode(x).decode()
print(f"SCRAM-SHA-256$4096:{b(salt)}${b(hashlib.sha256(client).digest())}:{b(server)}")
PY
)
  role=$(psql -d rewind -At -c "SELECT rewind.ensure_tenant('bench', '$verifier')")
  mkdir -p "$work/rewind-store"
  printf '%s' "$role" > "$work/rewind-store/username"
  printf '%s' "$password" > "$work/rewind-store/password"
  say "the same load, the sidecar logging in as namespace bench's role $role (row-level security on)"
  start_sidecar -Drewind.store.url="postgresql://nobody@127.0.0.1:${pgport}/rewind" \
    -Drewind.store.credentials-dir="$work/rewind-store" -Drewind.store.migrate=false
  wait_for_route
  psql -d rewind -At -c "SELECT 'sidecar sessions as: ' || string_agg(DISTINCT usename, ', ')
    FROM pg_stat_activity WHERE application_name = 'rewind'"
  load "$root/bench/target/ingest-report-rls.txt"

  say "without row-level security (superuser) vs with it (namespace role), same run"
  awk '
    FNR == 1 { run++ }
    /^sidecar storeAndForward/ { k = $3; rate[k] = 1; p50[run, k] = $4; p99[run, k] = $5 }
    /^Ingest throughput/ { for (i = 1; i <= NF; i++) if ($i == "events/s") tput[run] = $(i - 1) }
    END {
      printf "%-8s %12s %12s %7s %12s %12s %7s\n", "rate/s", "p50 ms off", "p50 ms on", "ratio", "p99 ms off", "p99 ms on", "ratio"
      for (k in rate) printf "%-8s %12.3f %12.3f %7.2f %12.3f %12.3f %7.2f\n", k, p50[1, k], p50[2, k], p50[2, k] / p50[1, k], p99[1, k], p99[2, k], p99[2, k] / p99[1, k]
      printf "ingest   %12s events/s off, %s on: ratio %.2f\n", tput[1], tput[2], tput[2] / tput[1]
    }' "$root/bench/target/ingest-report.txt" "$root/bench/target/ingest-report-rls.txt" \
    | tee "$root/bench/target/ingest-rls-comparison.txt"

  # The statement alone, without the sidecar's HTTP and batching around it: the journal insert (100 events a
  # statement, as group commit writes them) as the superuser and as the namespace role, alternated twice so that
  # drift on a shared machine hits both alike.
  kill "$sidecar_pid" && wait "$sidecar_pid" 2>/dev/null || true
  sidecar_pid=
  cat > "$work/events.sql" <<'SQL'
INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body, received_at, state)
SELECT gen_random_uuid(), 'bench', 'pgbench', gen_random_uuid()::text, 'POST', 'http://x/', '[]', '\x7b7d', now(),
  'delivered' FROM generate_series(1, 100);
SQL
  say "pgbench: journal inserts of 100 events a statement, 4 clients, ${PGBENCH_SECONDS}s each, superuser / namespace role"
  for pass in 1 2; do
    for user in postgres "$role"; do
      tps=$("$pgbin/pgbench" -h 127.0.0.1 -p "$pgport" -U "$user" -n -c 4 -j 2 -T "$PGBENCH_SECONDS" \
        -f "$work/events.sql" rewind | awk '/^tps/ {print $3}')
      label=$([ "$user" = postgres ] && echo "without RLS" || echo "with RLS   ")
      echo "pass $pass $label $(awk -v t="$tps" 'BEGIN {printf "%.0f", t * 100}') events/s"
    done
  done | tee -a "$root/bench/target/ingest-rls-comparison.txt"
fi
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; report also in bench/target/ingest-report.txt"
