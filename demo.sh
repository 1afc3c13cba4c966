#!/usr/bin/env bash
# Plays Rewind's seed story on this machine: real sidecars, an embedded PostgreSQL, a destination that times out
# and recovers, and a replay that re-delivers exactly what failed; then a service that answers 200 and drops orders,
# the Flow that finds them, and the replay that completes them. Needs Java 17; builds what it runs on first use.
#   ./demo.sh          play it and stop everything
#   ./demo.sh --keep   leave the sidecar running afterwards, to explore its API
set -euo pipefail
cd "$(dirname "$0")"
echo "Building Rewind (the first run downloads dependencies; later runs take seconds) ..."
./mvnw -q -B -DskipTests -pl sidecar,cli,demo -am package
exec java -cp "demo/target/classes:$(cat demo/target/classpath.txt)" dev.rewind.demo.SeedStory "$@"
