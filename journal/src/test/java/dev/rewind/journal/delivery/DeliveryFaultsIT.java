package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.NewEvent;
import dev.rewind.journal.testing.Events;
import dev.rewind.journal.testing.Fault;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.journal.testing.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fault at each stage of the delivery path, for the sidecar's live delivery (events claimed at capture) and for
 * the operator's takeover (events claimed by polling once overdue): every faulty event ends in a recorded state
 * within a bounded time with its attempts in the log, the worker's slots come back, and a second, healthy route
 * keeps delivering meanwhile. More faulty events are sent than the worker has slots (16), so a slot that was
 * never given back would stop the healthy route too.
 */
class DeliveryFaultsIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int FAULTY = 24;
  private static final int HEALTHY = 6;

  private static TestStore store;
  private HttpSink healthy;
  private HttpSink faulty;
  private Worker worker;

  @BeforeAll
  static void store() {
    store = TestStore.create();
  }

  @AfterAll
  static void closeStore() {
    store.close();
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    if (healthy != null) {
      healthy.close();
    }
    if (faulty != null) {
      faulty.close();
    }
    Fault.removeStoreFaults(store);
  }

  static Stream<Arguments> faults() {
    List<Fault> faults = Fault.all();
    List<Arguments> all = new ArrayList<>();
    for (String worker : List.of("live", "takeover")) {
      faults.forEach(f -> all.add(Arguments.of(worker, f)));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("faults")
  void everyFaultyEventEndsRecordedAndTheHealthyRouteKeepsDelivering(String mode, Fault fault) {
    healthy = HttpSink.start();
    faulty = HttpSink.start();
    String tag = mode + "-" + Math.abs(fault.stage().hashCode());
    ResolvedRoute good = Routes.to("good-" + tag, healthy.url("/ok"), Fault.TWO_TRIES);
    ResolvedRoute bad = fault.route(tag, faulty);
    SecretSource secrets = fault.secrets();
    fault.installStoreFault(store, bad);
    boolean takeover = mode.equals("takeover");
    worker = new Worker(store, "w-" + tag, AddressPolicy.standalone(), secrets,
        DeliveryOptions.DEFAULT_MEMORY_BUDGET, takeover ? Duration.ofMillis(100) : Duration.ZERO, good, bad);

    List<NewEvent> faultyEvents = IntStream.range(0, FAULTY)
        .mapToObj(i -> Events.of(bad, tag + "-bad-" + i, "{\"n\":" + i + "}", new Header("Idempotency-Key",
            tag + "-bad-" + i)))
        .toList();
    List<NewEvent> healthyEvents = IntStream.range(0, HEALTHY)
        .mapToObj(i -> Events.of(good, tag + "-good-" + i, "{\"n\":" + i + "}", new Header("Idempotency-Key",
            tag + "-good-" + i)))
        .toList();
    if (takeover) {
      // Journaled by a sidecar that is gone: nobody claimed them at capture.
      store.events.append(faultyEvents, Collections.nCopies(FAULTY, false), "gone", Duration.ofMinutes(1))
          .await().atMost(WAIT);
      store.events.append(healthyEvents, Collections.nCopies(HEALTHY, false), "gone", Duration.ofMinutes(1))
          .await().atMost(WAIT);
    } else {
      faultyEvents.forEach(e -> worker.pipeline.capture(e, bad).await().atMost(WAIT));
      healthyEvents.forEach(e -> worker.pipeline.capture(e, good).await().atMost(WAIT));
    }

    await().atMost(WAIT).untilAsserted(() -> assertThat(states(bad.name()))
        .as("every faulty event ended in a recorded state").containsOnly(fault.finalState()).hasSize(FAULTY));
    await().atMost(WAIT).untilAsserted(() -> assertThat(states(good.name()))
        .as("the healthy route delivered meanwhile").containsOnly("delivered").hasSize(HEALTHY));
    assertThat(healthy.count()).isEqualTo(HEALTHY);

    List<String> outcomes = store.column("SELECT a.outcome FROM rewind.attempts a JOIN rewind.events e"
        + " ON e.id = a.event_id WHERE e.route = $1 ORDER BY a.outcome", bad.name());
    assertThat(outcomes).as("every faulty event has its attempts in the log").contains(fault.outcome());
    assertThat(store.count("SELECT count(*) FROM rewind.events e WHERE e.route = $1 AND NOT EXISTS (SELECT 1"
        + " FROM rewind.attempts a WHERE a.event_id = e.id)", bad.name()))
        .as("events without any attempt row").isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.events e WHERE e.route = $1 AND e.attempts <> (SELECT"
        + " count(*) FROM rewind.attempts a WHERE a.event_id = e.id)", bad.name()))
        .as("events whose attempt count differs from their attempt rows").isZero();
    await().atMost(WAIT).until(() -> worker.engine.backlog() == 0);
    assertThat(worker.engine.stalledFor()).isEqualTo(Duration.ZERO);
  }

  private static List<String> states(String route) {
    return store.column("SELECT state FROM rewind.events WHERE route = $1", route);
  }
}
