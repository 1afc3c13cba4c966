package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.BreakerStore;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.testing.Events;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.journal.testing.Worker;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hold set on a destination's breaker row by another writer (the operator, when a Service has no ready
 * endpoints), against a real PostgreSQL and a real HTTP destination: a route without any circuit breaker policy
 * holds its events (journaled, never attempted, no retry budget spent) while the row carries a hold reason, and
 * delivers them once it is cleared.
 */
class DestinationHoldIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void aHeldDestinationsEventsAreNotAttemptedAndGoOutOnceReleased() {
    try (TestStore store = TestStore.create(); HttpSink sink = HttpSink.start()) {
      ResolvedRoute route = Routes.one("""
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: held-orders}
          spec:
            destination: {url: "%s"}
            eventId: {header: Idempotency-Key}
          """.formatted(sink.url("/orders")));
      String destination = BreakerStateMachine.key(route.destination());
      BreakerStore breakers = new BreakerStore(store.store.pool(), route.namespace());
      assertThat(breakers.hold(destination, "no ready endpoints for Service shop/service-b").await().atMost(WAIT))
          .as("hold written").isTrue();
      assertThat(breakers.hold(destination, "no ready endpoints for Service shop/service-b").await().atMost(WAIT))
          .as("the same hold again changes nothing").isFalse();

      try (Worker w = new Worker(store, "held-worker", route)) {
        // The worker has read the row (state 4: held by another writer) before anything is captured.
        await().atMost(WAIT).until(() -> w.meters.find("rewind.breaker.state").tag("destination", destination)
            .gauges().stream().mapToDouble(Gauge::value).anyMatch(v -> v == 4));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          String id = "held-" + i;
          ids.add(w.pipeline.capture(Events.of(route, id, "{}", new Header("Idempotency-Key", id)), route)
              .await().atMost(WAIT).id().toString());
        }
        await().atMost(WAIT).until(() -> w.meters.get("rewind.events.held").counter().count() >= 6);
        assertThat(store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state = 'pending'"
            + " AND lease_owner IS NULL AND attempts = 0", route.name())).isEqualTo(6);
        assertThat(sink.count()).as("requests sent while held").isZero();

        assertThat(breakers.hold(destination, null).await().atMost(WAIT)).as("hold released").isTrue();
        assertThat(breakers.hold(destination, null).await().atMost(WAIT)).as("released again").isFalse();
        await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE route = $1"
            + " AND state = 'delivered'", route.name()) == 6);
        assertThat(sink.received().stream().map(r -> r.header(AttemptRunner.EVENT_ID_HEADER)).toList())
            .as("each delivered once").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(store.column("SELECT state FROM rewind.breakers WHERE destination = $1", destination))
            .containsExactly("closed");
      }
    }
  }

  @Test
  void releasingADestinationNeverHeldWritesNothing() {
    try (TestStore store = TestStore.create()) {
      BreakerStore breakers = new BreakerStore(store.store.pool(), "default");
      assertThat(breakers.hold("http://nowhere:80", null).await().atMost(WAIT)).isFalse();
      assertThat(store.count("SELECT count(*) FROM rewind.breakers")).isZero();
    }
  }
}
