package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.FlowQuery;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.flow.FlowTally;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Replay of a Flow's broken (or failed) orders against a real journal and a real destination: it selects, for
 * each order the Flow's verdict finds stopped at one of its namespace's hops, the event of that hop — the delivered
 * one for a broken order, the dead one for a failed one — and nothing else of the same order. Its counts are checked
 * against the Flow's own tally, read separately.
 */
class FlowReplayIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestStore store;
  private HttpSink sink;
  private Replays.Engine engine;
  private FlowRoutes flow;
  private ResolvedRoute erpToA;
  private ResolvedRoute aToB;

  @BeforeAll
  static void store() {
    store = TestStore.create();
  }

  @AfterAll
  static void closeStore() {
    store.close();
  }

  @BeforeEach
  void start() {
    sink = HttpSink.start();
    engine = new Replays.Engine(store, "w-flow");
    // Namespaces of their own per test: the flow's verdict reads every order of the lookback.
    String shop = "shop-" + UUID.randomUUID().toString().substring(0, 8);
    flow = new FlowRoutes(new FlowHops(List.of(new FlowHops.Hop(shop, "erp-to-a"), new FlowHops.Hop(shop, "a-to-b"),
        new FlowHops.Hop("fulfilment-" + shop, "b-to-partner")), Duration.ofMinutes(5), Duration.ofHours(24)),
        List.of());
    erpToA = Routes.to("erp-to-a", sink.url("/a"), "maxAttempts: 1\n");
    aToB = Routes.to("a-to-b", sink.url("/b"), "maxAttempts: 1\n");
  }

  @AfterEach
  void stop() {
    engine.close();
    sink.close();
  }

  private String shop() {
    return flow.hops().hops().get(0).namespace();
  }

  /** One event of {@code order} on {@code hop}, captured {@code minutesAgo}, completed a minute later. */
  private UUID event(int hop, String order, EventState state, long minutesAgo) {
    FlowHops.Hop at = flow.hops().hops().get(hop);
    return JournalSeed.in(store).namespace(at.namespace()).route(at.route(), sink.url("/" + at.route()))
        .state(state, state == EventState.DELIVERED ? "delivered" : state == EventState.DEAD ? "503" : null,
            state == EventState.PENDING ? 0 : 1)
        .age(Duration.ofMinutes(minutesAgo)).completedAgo(Duration.ofMinutes(Math.max(0, minutesAgo - 1)))
        .correlation(i -> order).append(1).get(0);
  }

  private ReplayRequest replay(String name, String flowRef, boolean dryRun) {
    return Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: %s, namespace: %s}
        spec: {flowRef: %s, rateLimit: 0, dryRun: %s}
        """.formatted(name, shop(), flowRef, dryRun), flow, erpToA, aToB);
  }

  private FlowTally tally() {
    return new FlowQuery(store.store.pool()).tally(flow.hops(), Instant.now()).await().atMost(WAIT);
  }

  @Test
  void brokenOrdersGetTheirLastDeliveredHopsEventAgainAndNothingElseOfTheOrder() {
    event(0, "ord-1", EventState.DELIVERED, 30);
    event(1, "ord-1", EventState.DELIVERED, 29);
    event(2, "ord-1", EventState.DELIVERED, 28);
    // Broken after hop 0: A accepted it and never sent it on to B.
    UUID ord3AtA = event(0, "ord-3", EventState.DELIVERED, 20);
    // Broken after hop 1: B accepted them and never sent them to the partner. Their hop-0 events are delivered too,
    // and must not be sent again (routes and correlation ids alone would match them).
    event(0, "ord-2", EventState.DELIVERED, 15);
    UUID ord2AtB = event(1, "ord-2", EventState.DELIVERED, 14);
    event(0, "ord-5", EventState.DELIVERED, 13);
    UUID ord5AtB = event(1, "ord-5", EventState.DELIVERED, 12);
    // Failed at hop 1; in flight at hop 1.
    event(0, "ord-4", EventState.DELIVERED, 25);
    UUID ord4AtB = event(1, "ord-4", EventState.DEAD, 24);
    event(0, "ord-6", EventState.DELIVERED, 2);
    event(1, "ord-6", EventState.PENDING, 1);
    FlowTally before = tally();
    assertThat(before.brokenAfter()).containsExactly(1L, 2L, 0L);
    assertThat(before.failedAt()).containsExactly(0L, 1L, 0L);

    // The dry runs count what the Flow counts, and deliver nothing.
    ReplayStatusView preview = engine.run(replay("preview-broken", "{name: chain}", true));
    assertThat(preview.phase()).isEqualTo(ReplayPhase.Previewed);
    assertThat(preview.matched()).isEqualTo(before.brokenCount()).isEqualTo(3);
    assertThat(engine.run(replay("preview-hop-1", "{name: chain, hop: 1}", true)).matched())
        .isEqualTo(before.brokenAfter().get(1));
    assertThat(sink.received()).isEmpty();

    ReplayStatusView view = engine.run(replay("broken-orders", "{name: chain}", false));

    assertThat(view.phase()).isEqualTo(ReplayPhase.Succeeded);
    assertThat(view.matched()).isEqualTo(before.brokenCount());
    assertThat(sink.received()).extracting(r -> r.header(AttemptRunner.EVENT_ID_HEADER))
        .containsExactlyInAnyOrder(ord3AtA.toString(), ord2AtB.toString(), ord5AtB.toString());
    assertThat(sink.received()).allSatisfy(r -> assertThat(r.header(AttemptRunner.REPLAY_HEADER))
        .isEqualTo("broken-orders"));

    ReplayStatusView failed = engine.run(replay("failed-orders", "{name: chain, state: failed}", false));
    assertThat(failed.matched()).isEqualTo(before.failed()).isEqualTo(1);
    assertThat(sink.receivedFor(ord4AtB.toString())).hasSize(1);
    // Mended: B has ord-2 and ord-5 again, A ord-3 (delivered, within 5m of now); the failed order is delivered.
    FlowTally after = tally();
    assertThat(after.brokenCount()).isZero();
    assertThat(after.failed()).isZero();
  }
}
