#!/usr/bin/env bash
# Replay throughput against live delivery throughput, in one run (see BENCHMARKS.md, "Replay").
#   bench/replay.sh [events] [concurrency] [--replay-only]      defaults: 100000 64
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl bench -am package -DskipTests
exec java -Xms1g -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.rewind.bench.replay.ReplayBench "$@"
