package dev.rewind.journal.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RouteHealthQuery} against a real journal: every figure of a route, in one query for all routes. */
class RouteHealthQueryIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestStore store;

  @BeforeAll
  static void start() {
    store = TestStore.create();
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  /**
   * An event of {@code namespace/route} straight into the journal; times are PostgreSQL intervals before now, null
   * when unset.
   */
  private static void event(String namespace, String route, String id, String state, int attempts, String outcome,
      String receivedAgo, String attemptedAgo, String completedAgo) {
    store.column("INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body,"
        + " received_at, state, attempts, last_outcome, last_attempt_at, completed_at, died)"
        + " VALUES (gen_random_uuid(), $1, $2, $3, 'POST', 'http://x/', '[]', '\\x7b7d', now() - $7::text::interval,"
        + " $4, $5, $6, now() - $8::text::interval, now() - $9::text::interval, $4 = 'dead') RETURNING id",
        namespace, route, id, state, attempts, outcome, receivedAgo, attemptedAgo, completedAgo);
  }

  private static Map<String, RouteHealth> read(Set<String> namespaces) {
    Instant now = Instant.now();
    List<RouteHealth> all = new RouteHealthQuery(store.store.pool())
        .read(namespaces, now.minus(Duration.ofMinutes(1)), now).await().atMost(WAIT);
    return all.stream().collect(Collectors.toMap(RouteHealth::key, Function.identity()));
  }

  @Test
  void countsEveryStateTheWindowAndTheLatestFailureOfEachRoute() {
    // orders: a backlog, dead events old and new, deliveries in and out of the window.
    event("health-a", "orders", "p1", "pending", 0, null, "10 minutes", null, null);
    event("health-a", "orders", "p2", "pending", 0, null, "20 seconds", null, null);
    event("health-a", "orders", "d1", "delivering", 1, "503", "3 minutes", "2 minutes", null);
    event("health-a", "orders", "f1", "failed", 2, "timeout", "5 minutes", "40 seconds", null);
    event("health-a", "orders", "x-old", "dead", 3, "503", "2 hours", "2 hours", "2 hours");
    event("health-a", "orders", "x-new", "dead", 3, "connect-failure", "2 minutes", "30 seconds", "30 seconds");
    event("health-a", "orders", "ok-new", "delivered", 1, "delivered", "10 seconds", "10 seconds", "10 seconds");
    event("health-a", "orders", "ok-old", "delivered", 1, "delivered", "1 hour", "1 hour", "1 hour");
    // payments: only deliveries. audit: published, never used.
    event("health-a", "payments", "ok", "delivered", 1, "delivered", "5 seconds", "5 seconds", "5 seconds");
    store.column("INSERT INTO rewind.routes (namespace, name, generation, spec) VALUES ('health-a', 'audit', 1,"
        + " '{}') RETURNING name");

    Map<String, RouteHealth> health = read(Set.of("health-a"));

    assertThat(health).containsOnlyKeys("health-a/orders", "health-a/payments", "health-a/audit");
    RouteHealth orders = health.get("health-a/orders");
    assertThat(List.of(orders.pending(), orders.delivering(), orders.failed(), orders.dead(), orders.deadSince(),
        orders.deliveredSince())).containsExactly(2L, 1L, 1L, 2L, 1L, 1L);
    assertThat(orders.backlog()).isEqualTo(4);
    assertThat(orders.oldestAge()).isBetween(Duration.ofMinutes(10), Duration.ofMinutes(11));
    // The latest failed attempt is the dead event's (30 s ago), later than the failed event's (40 s ago).
    assertThat(orders.lastFailure().outcome()).isEqualTo("connect-failure");
    assertThat(orders.lastFailure().statusCode()).isNull();
    assertThat(orders.lastDelivered()).isNotNull();

    RouteHealth payments = health.get("health-a/payments");
    assertThat(List.of(payments.backlog(), payments.dead(), payments.deliveredSince())).containsExactly(0L, 0L, 1L);
    assertThat(payments.lastFailure()).isNull();
    assertThat(payments.oldestUndelivered()).isNull();

    assertThat(health.get("health-a/audit")).usingRecursiveComparison()
        .isEqualTo(RouteHealth.empty("health-a", "audit", payments.measuredAt(), payments.since()));
  }

  @Test
  void aStatusCodeOutcomeCarriesItsCodeAndTheLaterFailureWins() {
    event("health-b", "psp", "f", "failed", 1, "503", "1 minute", "5 seconds", null);
    event("health-b", "psp", "x", "dead", 3, "timeout", "1 hour", "50 minutes", "50 minutes");

    RouteHealth psp = read(Set.of("health-b")).get("health-b/psp");

    assertThat(psp.lastFailure().outcome()).isEqualTo("503");
    assertThat(psp.lastFailure().statusCode()).isEqualTo(503);
    assertThat(psp.deadSince()).isZero();
    assertThat(psp.dead()).isEqualTo(1);
  }

  @Test
  void readsOnlyTheNamespacesAskedForOrAllWhenNone() {
    event("health-c1", "r", "a", "pending", 0, null, "1 second", null, null);
    event("health-c2", "r", "b", "dead", 1, "400", "1 second", "1 second", "1 second");

    assertThat(read(Set.of("health-c1"))).containsOnlyKeys("health-c1/r");
    assertThat(read(Set.of())).containsKeys("health-c1/r", "health-c2/r");
  }

  @Test
  void aDeletedRoutesDeadEventsStayVisible() {
    event("health-d", "gone", "x", "dead", 3, "timeout", "1 hour", "1 hour", "1 hour");

    RouteHealth gone = read(Set.of("health-d")).get("health-d/gone");

    assertThat(gone.dead()).isEqualTo(1);
    assertThat(gone.lastFailure().outcome()).isEqualTo("timeout");
  }

  @Test
  void countingTheDeadUsesTheirIndexNotTheWholeJournal() {
    String plan = String.join("\n", store.column("EXPLAIN SELECT count(*) FROM rewind.events"
        + " WHERE state = 'dead' AND namespace = 'health-e' GROUP BY route"));

    assertThat(plan).contains("events_dead");
  }
}
