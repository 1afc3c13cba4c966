#!/usr/bin/env bash
# Scale benchmark: how the journal's costs grow with its size. The journal is bulk-loaded (server-side SQL) to each
# size in turn, cumulatively; at each size: the sidecar's ack latency (open loop against the packaged sidecar, as
# bench/ingest.sh runs it), the live claim, trace by id and by correlation id, a replay's selection (dry run) and
# retention of one day, all through the journal's own classes. Prints a growth table with ratios to the first size
# and the scale targets (see BENCHMARKS.md, "Scale").
#
#   bench/scale.sh                                  # 1M, 10M, 50M events: hours, and about 50 GiB of disk at 50M
#   SIZES=100000,300000 ACK_SECONDS=10 bench/scale.sh
#
# Settings: SIZES (comma list, cumulative), DAYS (whole days of history; retention removes the two oldest),
# BACKLOG (open events, fixed at every size), RATE and ACK_SECONDS (the ack load), CLAIMS, TRACES, REPLAYS (samples per
# measure), SHARED_BUFFERS, MAX_WAL_SIZE, and TMPDIR (where the data directory goes; removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

SIZES=${SIZES:-1000000,10000000,50000000}
DAYS=${DAYS:-8}
BACKLOG=${BACKLOG:-4000}
RATE=${RATE:-200}
ACK_SECONDS=${ACK_SECONDS:-15}
CLAIMS=${CLAIMS:-200}
TRACES=${TRACES:-300}
REPLAYS=${REPLAYS:-30}
# A store sized for a journal of this size would have more; a quarter of the machine's memory at most.
SHARED_BUFFERS=${SHARED_BUFFERS:-1GB}
# Bulk loading writes tens of GB of WAL: fewer checkpoints, fewer full-page writes. Durability is unchanged.
MAX_WAL_SIZE=${MAX_WAL_SIZE:-4GB}
# shellcheck source=bench/lib/sidecar.sh
. bench/lib/sidecar.sh
use_debian_postgres

say "building the sidecar and the load side"
./mvnw -q -B -DskipTests -pl sidecar,bench -am package
sidecar_jar="$root/sidecar/target/quarkus-app/quarkus-run.jar"

work=$(mktemp -d "${TMPDIR:-/tmp}/rewind-scale.XXXXXX")
chmod 755 "$work"
pgdata="$work/pgdata"
pgport=$(free_port)
sinkport=$(free_port)
capport=$(free_port)
mgmtport=$(free_port)
postgres_runs_in "$work"
sidecar_pid=
cleanup() {
  [ -n "$sidecar_pid" ] && kill "$sidecar_pid" 2>/dev/null && wait "$sidecar_pid" 2>/dev/null || true
  "${runas[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
  # The data directory holds tens of GB at the larger sizes: never leave it behind.
  rm -rf "$work"
}
trap cleanup EXIT

say "starting PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on port $pgport (fsync on,"\
" synchronous_commit on, shared_buffers $SHARED_BUFFERS) in $work"
"${runas[@]}" "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust >/dev/null
# pg_stat_statements gives retention's store time (the execution time of its statements, inside PostgreSQL).
"${runas[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$work/postgres.log" -w -o \
  "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=200 \
-c shared_buffers=$SHARED_BUFFERS -c max_wal_size=$MAX_WAL_SIZE -c checkpoint_timeout=15min \
-c shared_preload_libraries=pg_stat_statements" start >/dev/null
psql() { "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql -c "CREATE DATABASE rewind"
# The load side's own superuser (owner rights, row-level security bypassed as for the other benches' loads): in
# pg_stat_statements its statements are told apart from the sidecar's, which logs in as postgres.
psql -c "CREATE ROLE scale LOGIN SUPERUSER"

say "starting the sidecar as injected in a pod (cluster mode: routes from the store) with $SIDECAR_JAVA_OPTS"
# It migrates the journal on start, as in a cluster; the load side then checks the version through Store.prepare.
start_sidecar -Drewind.store.url="postgresql://postgres@127.0.0.1:${pgport}/rewind"
publish_route

say "sizes ${SIZES} events, ${DAYS} days of history, ack load ${RATE}/s for ${ACK_SECONDS} s at each size"
java -Xms512m -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.rewind.bench.scale.ScaleBench \
  store="postgresql://scale@127.0.0.1:${pgport}/rewind" capture="http://127.0.0.1:${capport}/v1/routes/bench" \
  metrics="http://127.0.0.1:${mgmtport}/q/metrics" \
  sinkPort="$sinkport" sizes="$SIZES" days="$DAYS" backlog="$BACKLOG" rate="$RATE" seconds="$ACK_SECONDS" \
  claims="$CLAIMS" traces="$TRACES" replays="$REPLAYS" dataDir="$work" out="$root/bench/target/scale-report.txt"
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; report also in bench/target/scale-report.txt"
