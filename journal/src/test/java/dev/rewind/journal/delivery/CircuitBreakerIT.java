package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.testing.Events;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.HttpSink.Answer;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.journal.testing.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Circuit breakers and paused routes against a real PostgreSQL and real HTTP destinations. Figures are printed
 * (the seed outage's attempts with and without a breaker, the drain's deliveries per second); assertions use
 * generous bounds that a slow machine cannot break (it only makes things slower, never faster).
 */
class CircuitBreakerIT {

  private static final Duration WAIT = Duration.ofSeconds(120);
  private static TestStore store;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void store() {
    store = TestStore.create();
  }

  @AfterAll
  static void closeStore() {
    store.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private static final String SEED_POLICY = """
      maxAttempts: 3
      backoff: {policy: fixed, initialDelay: 300ms, maxDelay: 300ms, jitter: 0}
      timeout: 1s
      maxAge: 10m
      """;
  private static final int DRAIN_RATE = 25;
  private static final String BREAKER = """
      circuitBreaker: {consecutiveFailures: 5, openFor: 1s, drainRate: %d}
      """.formatted(DRAIN_RATE);

  /** What one run of the seed outage produced. */
  record Run(int events, long dead, long delivered, int attemptsWhileDown, List<HttpSink.Received> after,
      Instant recoveredAt, String destination) {}

  /**
   * The seed outage: steady load (10 events/s through two sidecars), the destination answers 503 for 10 s, then
   * recovers; policy of 3 attempts.
   */
  private Run seedOutage(String name, boolean withBreaker) throws Exception {
    AtomicBoolean down = new AtomicBoolean(false);
    AtomicInteger attemptsWhileDown = new AtomicInteger();
    HttpSink sink = keep(HttpSink.start());
    sink.answer(r -> {
      if (down.get()) {
        attemptsWhileDown.incrementAndGet();
        return Answer.status(503);
      }
      return Answer.status(200);
    });
    ResolvedRoute route = Routes.to(name, sink.url("/orders"), SEED_POLICY + (withBreaker ? BREAKER : ""));
    Worker a = keep(new Worker(store, name + "-sidecar-a", route));
    Worker b = keep(new Worker(store, name + "-sidecar-b", route));

    int events = 0;
    Instant recoveredAt = null;
    // 2 s up, 10 s down, 2 s up; one event every 100 ms, alternately through each sidecar.
    for (int tick = 0; tick < 140; tick++) {
      if (tick == 20) {
        down.set(true);
      }
      if (tick == 120) {
        down.set(false);
        recoveredAt = Instant.now();
      }
      Worker via = tick % 2 == 0 ? a : b;
      String id = name + "-" + tick;
      via.pipeline.capture(Events.of(route, id, "{\"n\":" + tick + "}", new Header("Idempotency-Key", id)), route)
          .await().atMost(WAIT);
      events++;
      Thread.sleep(100); // the load's pace, not a wait for a condition
    }
    int total = events;
    await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE route = $1"
        + " AND state IN ('delivered', 'dead')", name) == total);
    long dead = store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state = 'dead'", name);
    long delivered = store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state = 'delivered'",
        name);
    Instant since = recoveredAt;
    List<HttpSink.Received> after = sink.received().stream().filter(r -> !r.at().isBefore(since)).toList();
    return new Run(total, dead, delivered, attemptsWhileDown.get(), after, recoveredAt,
        BreakerStateMachine.key(route.destination()));
  }

  @Test
  void theSeedOutageEndsWithNoDeadEventsBoundedAttemptsAndAPacedOrderedDrain() throws Exception {
    Run without = seedOutage("seed-plain", false);
    closeAll();
    Run with = seedOutage("seed-breaker", true);

    // Deliveries per second after recovery, from the destination's own receipt times.
    TreeMap<Long, Integer> perSecond = new TreeMap<>();
    for (HttpSink.Received r : with.after()) {
      perSecond.merge(Duration.between(with.recoveredAt(), r.at()).toSeconds(), 1, Integer::sum);
    }
    // Capture order within the drain: the first receipt of each event, in arrival order, by Rewind id (UUIDv7).
    List<String> firstReceipts = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (HttpSink.Received r : with.after()) {
      String id = r.header(AttemptRunner.EVENT_ID_HEADER);
      if (seen.add(id)) {
        firstReceipts.add(id);
      }
    }
    int inversions = 0;
    for (int i = 1; i < firstReceipts.size(); i++) {
      if (firstReceipts.get(i).compareTo(firstReceipts.get(i - 1)) < 0) {
        inversions++;
      }
    }
    System.out.printf("%nSeed outage, %d events, destination down 10 s, maxAttempts 3:%n", with.events());
    System.out.printf("  without breaker: %d dead, %d delivered, %d attempts against the dead destination%n",
        without.dead(), without.delivered(), without.attemptsWhileDown());
    System.out.printf("  with breaker:    %d dead, %d delivered, %d attempts against the dead destination%n",
        with.dead(), with.delivered(), with.attemptsWhileDown());
    System.out.printf("  after recovery, deliveries per second (drainRate %d): %s%n", DRAIN_RATE, perSecond);
    System.out.printf("  first receipts after recovery: %d, out of capture order: %d%n", firstReceipts.size(),
        inversions);
    System.out.printf("  breaker rows: %s%n", store.column("SELECT destination || ' ' || state FROM"
        + " rewind.breakers"));

    assertThat(without.dead()).as("without a breaker the outage kills events").isPositive();
    assertThat(with.dead()).as("dead events with the breaker").isZero();
    assertThat(with.delivered()).isEqualTo(with.events());
    assertThat(with.attemptsWhileDown()).as("attempts against the dead destination with the breaker")
        .isLessThan(without.attemptsWhileDown() / 2)
        .isLessThanOrEqualTo(2 * (5 + 16) + 20);
    // The drain is paced: no second after recovery sees more than the rate plus the steady load and a margin.
    assertThat(perSecond.values()).as("deliveries per second after recovery")
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2 * DRAIN_RATE));
    long heldAtRecovery = firstReceipts.size();
    assertThat(perSecond.size()).as("seconds the drain took for %d events at %d/s", heldAtRecovery, DRAIN_RATE)
        .isGreaterThanOrEqualTo((int) (heldAtRecovery / (2 * DRAIN_RATE)));
    assertThat(inversions).as("events delivered out of capture order during the drain")
        .isLessThanOrEqualTo(Math.max(1, firstReceipts.size() / 50));
    // The two sidecars share one breaker row, closed again once nothing held is left.
    await().atMost(WAIT).until(() -> store.column("SELECT state FROM rewind.breakers WHERE destination = $1",
        with.destination()).equals(List.of("closed")));
  }

  @Test
  void aProberKilledMidProbeDoesNotLeaveTheBreakerStuck() {
    AtomicBoolean hang = new AtomicBoolean(false);
    AtomicBoolean up = new AtomicBoolean(false);
    HttpSink sink = keep(HttpSink.start());
    sink.answer(r -> up.get() ? Answer.status(200) : hang.get() ? Answer.hang(Duration.ofMinutes(2))
        : Answer.status(503));
    ResolvedRoute route = Routes.to("probe-kill", sink.url("/orders"), """
        maxAttempts: 3
        backoff: {policy: fixed, initialDelay: 200ms, maxDelay: 200ms, jitter: 0}
        timeout: 1s
        circuitBreaker: {consecutiveFailures: 2, openFor: 300ms, drainRate: 50}
        """);
    String destination = BreakerStateMachine.key(route.destination());
    TestStore aStore = TestStore.attach(store.database);
    Worker a = new Worker(aStore, "prober-a", route);
    for (int i = 0; i < 6; i++) {
      String id = "probe-kill-" + i;
      a.pipeline.capture(Events.of(route, id, "{}", new Header("Idempotency-Key", id)), route).await().atMost(WAIT);
    }
    await().atMost(WAIT).until(() -> !store.column("SELECT state FROM rewind.breakers WHERE destination = $1",
        destination).isEmpty());
    hang.set(true);
    await().atMost(WAIT).until(() -> store.column("SELECT probe_owner FROM rewind.breakers WHERE destination = $1"
        + " AND state = 'half_open'", destination).contains("prober-a") && sink.received().stream()
        .anyMatch(r -> hang.get() && r.at().isAfter(Instant.now().minusSeconds(30))));
    // Killed mid-probe: its Vert.x and store connections go away, nothing is recorded or given back.
    aStore.close();
    up.set(true);
    Worker b = keep(new Worker(store, "prober-b", route));
    await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state"
        + " = 'delivered'", route.name()) == 6);
    await().atMost(WAIT).until(() -> store.column("SELECT state FROM rewind.breakers WHERE destination = $1",
        destination).equals(List.of("closed")));
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state = 'dead'",
        route.name())).isZero();
    System.out.printf("%nKilled prober: breaker %s closed again by %s; attempts by worker: %s%n", destination,
        b.engine.worker(), store.column("SELECT a.worker || ':' || a.outcome FROM rewind.attempts a JOIN"
            + " rewind.events e ON e.id = a.event_id WHERE e.route = $1 ORDER BY a.started_at", route.name()));
  }

  @Test
  void aPausedRouteHoldsItsEventsAndUnpausingDeliversEachOnce() {
    HttpSink sink = keep(HttpSink.start());
    String yaml = """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: paused-orders}
        spec:
          destination: {url: "%s"}
          eventId: {header: Idempotency-Key}
          paused: %s
        """;
    ResolvedRoute paused = Routes.one(yaml.formatted(sink.url("/orders"), "true"));
    Worker w = keep(new Worker(store, "pauser", paused));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String id = "paused-" + i;
      ids.add(w.pipeline.capture(Events.of(paused, id, "{}", new Header("Idempotency-Key", id)), paused)
          .await().atMost(WAIT).id().toString());
    }
    await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state"
        + " = 'pending' AND lease_owner IS NULL AND attempts = 0", paused.name()) == 8);
    assertThat(sink.count()).as("requests sent while paused").isZero();
    assertThat(w.meters.get("rewind.events.held").counter().count()).isGreaterThanOrEqualTo(8);

    w.serve(Routes.one(yaml.formatted(sink.url("/orders"), "false")));
    await().atMost(WAIT).until(() -> sink.count() == 8);
    // Each once. Claimed oldest first, but attempted concurrently like any claim, so two neighbours may arrive
    // swapped: an unpaused route's events are not drained one at a time (a breaker's drain is).
    assertThat(sink.received().stream().map(r -> r.header(AttemptRunner.EVENT_ID_HEADER)).toList())
        .as("delivered, each once").containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void anEventHeldPastItsMaxAgeIsDeadWithAReasonThatSaysSo() {
    HttpSink sink = keep(HttpSink.start());
    ResolvedRoute paused = Routes.one("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: short-life}
        spec: {maxAttempts: 3, timeout: 1s, maxAge: 2s}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: paused-short}
        spec:
          destination: {url: "%s"}
          retryPolicyRef: {name: short-life}
          paused: true
        """.formatted(sink.url("/orders")));
    Worker w = keep(new Worker(store, "expirer", paused));
    w.pipeline.capture(Events.of(paused, "{}"), paused).await().atMost(WAIT);
    await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state"
        + " = 'dead'", paused.name()) == 1);
    assertThat(store.column("SELECT dead_reason FROM rewind.events WHERE route = $1", paused.name()).get(0))
        .contains("paused").contains("maxAge 2s");
    assertThat(sink.count()).isZero();
  }
}
