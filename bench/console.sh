#!/usr/bin/env bash
# The web console's page load times in headless Chromium with N journaled events in one namespace (see
# BENCHMARKS.md, "Console"). Needs Debian's chromium and chromium-driver.
#   bench/console.sh [events]      default: 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl bench -am package -DskipTests
exec java -Xms512m -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.rewind.bench.console.ConsolePageBench "$@"
