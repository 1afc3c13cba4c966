package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dry runs count exactly what an independent SQL count over the journal says, for every kind of selector: the
 * engine's selection SQL is checked against hand-written predicates, not against itself.
 */
class ReplayDryRunIT {

  private static TestStore store;
  private static Replays.Engine engine;
  private static UUID firstOfA;
  private static final Instant FOUR_HOURS_AGO =
      Instant.now().minus(Duration.ofHours(4)).truncatedTo(ChronoUnit.SECONDS);
  private static final Instant ONE_HOUR_AGO =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

  /** The routes the seeded events were captured for: a replay naming one that does not exist is refused. */
  private static final ResolvedRoute[] ROUTES = {
      Routes.to("orders", "http://127.0.0.1:9/orders", "maxAttempts: 1\n"),
      Routes.to("invoices", "http://127.0.0.1:9/invoices", "maxAttempts: 1\n"),
      Routes.to("other", "http://127.0.0.1:9/other", "maxAttempts: 1\n")};

  @BeforeAll
  static void seed() {
    store = TestStore.create();
    engine = new Replays.Engine(store, "dry-run");
    JournalSeed orders = JournalSeed.in(store).route("orders", "http://127.0.0.1:9/orders");
    firstOfA = orders.state(EventState.DEAD, "503", 3).age(Duration.ofHours(3)).type("order.created")
        .workload("erp").correlation(i -> "c-" + (i % 3)).append(10).get(0);
    orders.state(EventState.FAILED, "500", 2).age(Duration.ofMinutes(90)).type("order.paid").workload("billing")
        .correlation(i -> "c-" + i).append(8);
    orders.state(EventState.DEAD, "timeout", 3).age(Duration.ofMinutes(10)).type("order.created").workload("erp")
        .correlation(i -> null).append(6);
    orders.state(EventState.DELIVERED, "delivered", 1).append(5);
    orders.state(EventState.PENDING, null, 0).append(4);
    orders.state(EventState.DEAD, "connect-failure", 3).age(Duration.ofMinutes(90)).sourceId(i -> "src-" + i)
        .append(3);
    orders.state(EventState.DEAD, "429", 1).age(Duration.ofMinutes(10)).sourceId(i -> null).append(3);
    JournalSeed.in(store).route("invoices", "http://127.0.0.1:9/invoices").state(EventState.DEAD, "502", 2)
        .age(Duration.ofMinutes(90)).workload("billing").append(7);
    JournalSeed.in(store).route("other", "http://127.0.0.1:9/other").age(Duration.ofMinutes(10)).append(5);
    // The same route names in another namespace: never counted.
    JournalSeed elsewhere = JournalSeed.in(store).namespace("elsewhere").route("orders", "http://127.0.0.1:9/o");
    elsewhere.age(Duration.ofMinutes(10)).append(9);
    elsewhere.state(EventState.FAILED, "500", 1).workload("billing").type("order.paid")
        .correlation(i -> "c-1").sourceId(i -> "src-" + i).append(4);
  }

  @AfterAll
  static void close() {
    engine.close();
    store.close();
  }

  static Stream<Arguments> selectors() {
    return Stream.of(
        Arguments.of("the default states", "routeRef: {name: orders}",
            "route = 'orders' AND state IN ('failed', 'dead')"),
        Arguments.of("explicit states", "routeRef: {name: orders}\n  states: [delivered, pending]",
            "route = 'orders' AND state IN ('delivered', 'pending')"),
        Arguments.of("since as a duration", "routeRef: {name: orders}\n  since: 2h",
            "route = 'orders' AND state IN ('failed', 'dead') AND received_at >= now() - interval '2 hours'"),
        Arguments.of("a window of durations", "routeRef: {name: orders}\n  since: 2h\n  until: 30m",
            "route = 'orders' AND state IN ('failed', 'dead') AND received_at >= now() - interval '2 hours'"
                + " AND received_at < now() - interval '30 minutes'"),
        Arguments.of("a window of timestamps",
            "routeRef: {name: orders}\n  since: \"" + FOUR_HOURS_AGO + "\"\n  until: \"" + ONE_HOUR_AGO + "\"",
            "route = 'orders' AND state IN ('failed', 'dead') AND received_at >= '" + FOUR_HOURS_AGO
                + "'::timestamptz AND received_at < '" + ONE_HOUR_AGO + "'::timestamptz"),
        Arguments.of("correlation ids", "routeRef: {name: orders}\n  correlationIds: [c-1, c-2]",
            "route = 'orders' AND state IN ('failed', 'dead') AND correlation_id IN ('c-1', 'c-2')"),
        Arguments.of("types", "routeRef: {name: orders}\n  types: [order.paid]",
            "route = 'orders' AND state IN ('failed', 'dead') AND event_type = 'order.paid'"),
        Arguments.of("lastOutcome 5xx", "routeRef: {name: orders}\n  lastOutcome: [5xx]",
            "route = 'orders' AND state IN ('failed', 'dead') AND last_outcome ~ '^5[0-9][0-9]$'"),
        Arguments.of("lastOutcome timeout", "routeRef: {name: orders}\n  lastOutcome: [timeout]",
            "route = 'orders' AND state IN ('failed', 'dead') AND last_outcome = 'timeout'"),
        Arguments.of("lastOutcome range and kind",
            "routeRef: {name: orders}\n  lastOutcome: [500-502, connect-failure]",
            "route = 'orders' AND state IN ('failed', 'dead')"
                + " AND last_outcome IN ('500', '501', '502', 'connect-failure')"),
        Arguments.of("sender workload", "routes: [orders, invoices]\n  senderWorkload: billing",
            "route IN ('orders', 'invoices') AND state IN ('failed', 'dead') AND sender_workload = 'billing'"),
        Arguments.of("a routes list", "routes: [orders, invoices, other]",
            "route IN ('orders', 'invoices', 'other') AND state IN ('failed', 'dead')"),
        Arguments.of("event ids, source or Rewind's", "routeRef: {name: orders}\n  eventIds: [src-0, src-2, %s]",
            "route = 'orders' AND state IN ('failed', 'dead') AND (event_id IN ('src-0', 'src-2') OR id = '%s')"),
        Arguments.of("everything at once",
            "routes: [orders, invoices]\n  since: 2h\n  states: [failed, dead]\n  types: [order.paid]\n"
                + "  lastOutcome: [5xx]\n  senderWorkload: billing\n  correlationIds: [c-1, c-3, c-5]",
            "route IN ('orders', 'invoices') AND state IN ('failed', 'dead')"
                + " AND received_at >= now() - interval '2 hours' AND event_type = 'order.paid'"
                + " AND last_outcome ~ '^5' AND sender_workload = 'billing'"
                + " AND correlation_id IN ('c-1', 'c-3', 'c-5')"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selectors")
  void aDryRunCountsWhatAnIndependentCountFinds(String description, String selector, String predicate) {
    String yaml = """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: preview}
        spec:
          %s
          dryRun: true
        """.formatted(selector.formatted(firstOfA));
    String where = "namespace = 'default' AND " + predicate.formatted(firstOfA);
    long expected = store.count("SELECT count(*) FROM rewind.events WHERE " + where);
    List<String> expectedSample = store.column("SELECT id::text FROM rewind.events WHERE " + where
        + " ORDER BY id LIMIT 20");
    long attemptsBefore = store.count("SELECT count(*) FROM rewind.attempts");

    ReplayRequest request = Replays.request(yaml, ROUTES);
    ReplayStatusView view = engine.start(request);

    assertThat(expected).as("the seed gives this selector something to find").isPositive();
    assertThat(view.phase()).isEqualTo(ReplayPhase.Previewed);
    assertThat(view.matched()).isEqualTo(expected);
    assertThat(view.sample()).isEqualTo(expectedSample);
    assertThat(view.delivered()).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.replay_items WHERE replay_id = $1", request.id())).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.attempts")).isEqualTo(attemptsBefore);
  }

  @Test
  void aSampleHoldsAtMostTwentyIdsOldestFirstAndSaysWhenTheReplayWouldBeRefused() {
    ReplayStatusView view = engine.start(Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: big-preview}
        spec:
          routes: [orders, invoices, other]
          states: [pending, delivered, failed, dead]
          maxEvents: 30
          dryRun: true
        """, ROUTES));

    assertThat(view.phase()).isEqualTo(ReplayPhase.Previewed);
    assertThat(view.matched()).isGreaterThan(30);
    assertThat(view.sample()).hasSize(20).isSorted();
    assertThat(view.message()).isEqualTo("dry run: " + view.matched() + " events match; nothing was delivered;"
        + " as it is, the replay would fail: " + view.matched() + " events matched, more than maxEvents 30;"
        + " raise maxEvents to replay them (or narrow the selection)");
  }

  @Test
  void aDryRunIsFinalAndStartingItAgainChangesNothing() {
    ReplayRequest request = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: again}
        spec: {routeRef: {name: orders}, dryRun: true}
        """, ROUTES);
    ReplayStatusView first = engine.start(request);
    JournalSeed.in(store).route("orders", "http://127.0.0.1:9/orders").age(Duration.ofMinutes(5)).append(2);

    ReplayStatusView second = engine.start(request);

    assertThat(second).isEqualTo(first);
    assertThat(engine.engine.runsHere(request.id())).isFalse();
  }
}
