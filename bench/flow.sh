#!/usr/bin/env bash
# A Flow's evaluation time as the journal grows, next to reading the orders that entered it (see BENCHMARKS.md,
# "Flows").
#   bench/flow.sh [events]      default: 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl bench -am package -DskipTests
exec java -Xms512m -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.rewind.bench.health.FlowQueryBench "$@"
