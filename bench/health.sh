#!/usr/bin/env bash
# The route health query's time as the journal grows, next to a count over the whole journal (see BENCHMARKS.md,
# "Route health").
#   bench/health.sh [events]      default: 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl bench -am package -DskipTests
exec java -Xms512m -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.rewind.bench.health.HealthQueryBench "$@"
