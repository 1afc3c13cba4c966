#!/usr/bin/env bash
# Events/s delivered to Kafka through Rewind next to a plain producer's, in one run (see BENCHMARKS.md, "Kafka").
#   bench/kafka.sh [events] [concurrency]      defaults: 50000 64
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl bench -am package -DskipTests
exec java -Xms1g -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.rewind.bench.kafka.KafkaBench "$@"
