#!/usr/bin/env bash
# Ingest benchmark: storeAndForward ack latency at fixed rates, ingest throughput and sidecar RSS, next to what the
# same PostgreSQL does alone (pgbench: single-row durable commit latency, batched insert rate), a direct call
# to the destination, and a plain reverse proxy (nginx from Debian) carrying the same requests: CPU time per
# 1,000 events for the sidecar next to the proxy's. Prints the ratios; BENCHMARKS.md records the figures.
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
# With STATEMENTS=1 PostgreSQL tracks its statements (pg_stat_statements) and the run ends with where the store's
# time went: the statements by total execution time.
STATEMENTS=${STATEMENTS:-0}
# With WAITS=1 one more session samples what the journal's statements are doing (pg_stat_activity every 20 ms)
# during this checkout's load, and the run ends with the counts per statement: CPU, or the event it waits on
# (IO:WALSync and LWLock:WALWrite are its commit's flush; Lock:* another transaction). The sampler costs a little
# CPU of its own: compare runs with it only with each other.
WAITS=${WAITS:-0}
# PG_OPTS: more server settings for this run's PostgreSQL, e.g. PG_OPTS="-c commit_delay=200 -c commit_siblings=2"
# (commits that share one write-ahead log flush).
PG_OPTS=${PG_OPTS:-}
# With BASELINE_REF=<git ref> the same load first runs against the sidecar built from that ref (the "before"),
# then against this checkout's (the "after"), each on an empty journal, and a table sets them side by side.
#   BASELINE_REF=HEAD~1 RATES=100,500,1000 bench/ingest.sh
BASELINE_REF=${BASELINE_REF:-}
# shellcheck source=bench/lib/sidecar.sh
. bench/lib/sidecar.sh
use_debian_postgres

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  say "installing nginx (the reverse-proxy baseline) from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

say "building the sidecar and the load generator"
./mvnw -q -B -DskipTests -pl sidecar,bench -am package
sidecar_jar="$root/sidecar/target/quarkus-app/quarkus-run.jar"

work=$(mktemp -d /tmp/rewind-bench.XXXXXX)
chmod 755 "$work"
baseline_jar=
if [ -n "$BASELINE_REF" ]; then
  say "building the sidecar of $BASELINE_REF (the run's before)"
  git worktree add -q --detach "$work/baseline" "$BASELINE_REF"
  (cd "$work/baseline" && ./mvnw -q -B -DskipTests -pl sidecar -am package)
  baseline_jar="$work/baseline/sidecar/target/quarkus-app/quarkus-run.jar"
fi
pgdata="$work/pgdata"
pgport=$(free_port)
sinkport=$(free_port)
capport=$(free_port)
mgmtport=$(free_port)
proxyport=$(free_port)
postgres_runs_in "$work"
sidecar_pid=
nginx_pid=
cleanup() {
  [ -n "$sidecar_pid" ] && kill "$sidecar_pid" 2>/dev/null && wait "$sidecar_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  "${runas[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
  [ -n "$baseline_jar" ] && git -C "$root" worktree remove --force "$work/baseline" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

say "starting PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on port $pgport (fsync on, synchronous_commit on)"
"${runas[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust >/dev/null
statements_opts=
[ "$STATEMENTS" = 1 ] && statements_opts="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c pg_stat_statements.track_planning=on"
"${runas[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$work/postgres.log" -w -o \
  "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=200 $statements_opts $PG_OPTS" start >/dev/null
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

# The baseline for CPU per event: a plain reverse proxy carrying the same requests to the same destination, with
# as many worker processes as the sidecar has event loops, keep-alive to the destination and no access log (the
# sidecar writes none either).
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  upstream destination { server 127.0.0.1:$sinkport; keepalive 64; }
  server {
    listen 127.0.0.1:$proxyport;
    location / { proxy_pass http://destination; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
chmod -R a+rwx "$work/nginx"
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!

load() {
  java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.rewind.bench.ingest.IngestBench \
    capture="http://127.0.0.1:${capport}/v1/routes/bench" sinkPort="$sinkport" sidecarPid="$sidecar_pid" \
    metrics="http://127.0.0.1:${mgmtport}/q/metrics" postgresPort="$pgport" \
    proxy="http://127.0.0.1:${proxyport}/via-proxy" proxyPid="$nginx_pid" \
    rates="$RATES" seconds="$SECONDS_PER_RATE" connections="$CONNECTIONS" throughputSeconds="$THROUGHPUT_SECONDS" \
    commitP50Ms="$commit_p50" commitP99Ms="$commit_p99" batchRowsPerSecond="$batch_rows" out="$1"
}

stop_sidecar() {
  kill "$sidecar_pid" && wait "$sidecar_pid" 2>/dev/null || true
  sidecar_pid=
  # The next run starts from an empty journal, as this one did.
  psql -d rewind -c "TRUNCATE rewind.events, rewind.attempts, rewind.replay_items, rewind.senders, rewind.breakers"
}

# Two reports side by side (labels $1 and $3, files $2 and $4): ack latency, throughput and CPU per event, with
# the second's ratio to the first.
compare() {
  awk -v a="$1" -v b="$3" '
    FNR == 1 { run++ }
    /^sidecar storeAndForward/ { k = $3; rate[k] = 1; p50[run, k] = $4; p99[run, k] = $5; p999[run, k] = $6 }
    /^rate\/s +proxy/ { cpu = 1; next }
    cpu && /^[0-9]+ / { side[run, $1] = $3; pg[run, $1] = $5 }
    cpu && !/^[0-9]+ / { cpu = 0 }
    /^Ingest throughput/ { for (i = 1; i <= NF; i++) if ($i == "events/s") tput[run] = $(i - 1) }
    END {
      printf "%-7s %-11s %9s %9s %9s %17s %20s\n", "rate/s", "", "p50 ms", "p99 ms", "p99.9 ms", "sidecar CPU ms/1k", "PostgreSQL CPU ms/1k"
      for (k in rate) {
        printf "%-7s %-11s %9.3f %9.3f %9.3f %17.1f %20.1f\n", k, a, p50[1, k], p99[1, k], p999[1, k], side[1, k], pg[1, k]
        printf "%-7s %-11s %9.3f %9.3f %9.3f %17.1f %20.1f\n", k, b, p50[2, k], p99[2, k], p999[2, k], side[2, k], pg[2, k]
        printf "%-7s %-11s %9.2f %9.2f %9.2f %17.2f %20.2f\n", k, "ratio", p50[2, k] / p50[1, k], p99[2, k] / p99[1, k], p999[2, k] / p999[1, k], side[2, k] / side[1, k], pg[2, k] / pg[1, k]
      }
      printf "ingest  %s %s events/s, %s %s: ratio %.2f\n", a, tput[1], b, tput[2], tput[2] / tput[1]
    }' "$2" "$4"
}

if [ -n "$baseline_jar" ]; then
  say "before: the sidecar of $BASELINE_REF, rates ${RATES}/s for ${SECONDS_PER_RATE}s each, then ${CONNECTIONS} connections flat out"
  current_jar=$sidecar_jar
  sidecar_jar=$baseline_jar
  start_sidecar -Drewind.store.url="postgresql://postgres@127.0.0.1:${pgport}/rewind"
  publish_route
  load "$root/bench/target/ingest-report-before.txt"
  stop_sidecar
  sidecar_jar=$current_jar
fi

say "starting the sidecar as injected in a pod (cluster mode: routes from the store) with $SIDECAR_JAVA_OPTS"
start_sidecar -Drewind.store.url="postgresql://postgres@127.0.0.1:${pgport}/rewind"
publish_route

say "load: rates ${RATES}/s for ${SECONDS_PER_RATE}s each, then ${CONNECTIONS} connections flat out"
wal_start=$(psql -d rewind -At -c "SELECT pg_current_wal_lsn()")
if [ "$WAITS" = 1 ]; then
  psql -d bench -c "CREATE UNLOGGED TABLE wait_samples (wait text, statement text)" -c "CREATE TABLE wait_stop (x int)"
  # Each sample in its own transaction: pg_stat_activity is a snapshot per transaction.
  psql -d bench -c "DO \$\$ BEGIN
      WHILE NOT EXISTS (SELECT 1 FROM wait_stop) LOOP
        PERFORM pg_stat_clear_snapshot();
        INSERT INTO wait_samples SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU'),
            left(regexp_replace(query, '\s+', ' ', 'g'), 40)
          FROM pg_stat_activity WHERE state = 'active' AND datname = 'rewind' AND backend_type = 'client backend';
        COMMIT;
        PERFORM pg_sleep(0.02);
      END LOOP;
    END \$\$" &
  wait_sampler=$!
fi
load "$root/bench/target/ingest-report.txt"
if [ "$WAITS" = 1 ]; then
  psql -d bench -c "INSERT INTO wait_stop VALUES (1)"
  wait "$wait_sampler"
  say "what the journal's statements were doing (pg_stat_activity every 20 ms during the load above)"
  psql -d bench -P pager=off -c "SELECT statement, wait, count(*) AS samples,
      round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY statement), 1) AS pct_of_statement
    FROM wait_samples GROUP BY 1, 2 ORDER BY sum(count(*)) OVER (PARTITION BY statement) DESC, 3 DESC LIMIT 16" \
    | tee "$root/bench/target/ingest-waits.txt"
fi
# For sizing the store's disk bandwidth: write-ahead log per event journaled, delivered and recorded.
psql -d rewind -At -c "SELECT 'write-ahead log: ' || round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal_start')
    / count(*)) || ' bytes per event (' || count(*) || ' events, each captured, delivered and recorded)'
  FROM rewind.events" | tee -a "$root/bench/target/ingest-report.txt"

if [ -n "$baseline_jar" ]; then
  say "before ($BASELINE_REF) and after (this checkout), same run"
  compare before "$root/bench/target/ingest-report-before.txt" after "$root/bench/target/ingest-report.txt" \
    | tee "$root/bench/target/ingest-before-after.txt"
fi

if [ "$RLS" = 1 ]; then
  stop_sidecar
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
  compare "RLS off" "$root/bench/target/ingest-report.txt" "RLS on" "$root/bench/target/ingest-report-rls.txt" \
    | tee "$root/bench/target/ingest-rls-comparison.txt"

  # The statement alone, without the sidecar's HTTP and batching around it: the journal insert (100 events a
  # statement, as group commit writes them) as the superuser and as the namespace role, alternated twice so that
  # drift on a shared machine hits both alike.
  stop_sidecar
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
if [ "$STATEMENTS" = 1 ]; then
  say "the store's time by statement (pg_stat_statements, whole run)"
  psql -d rewind -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  psql -d rewind -P pager=off -c "SELECT calls, round(total_exec_time::numeric, 0) AS exec_ms,
      round(mean_exec_time::numeric, 3) AS exec_mean_ms, plans, round(total_plan_time::numeric, 0) AS plan_ms, rows,
      left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS statement
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'rewind')
    ORDER BY total_exec_time + total_plan_time DESC LIMIT 12"
fi
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; report also in bench/target/ingest-report.txt"
