package dev.rewind.journal.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A three-hop flow (ERP → A → B → partner, the last hop in another namespace) read from a real journal: every kind
 * of order counted where it stands, and what is not the flow's left out.
 */
class FlowQueryIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final FlowHops FLOW = new FlowHops(List.of(new FlowHops.Hop("shop", "erp-to-a"),
      new FlowHops.Hop("shop", "a-to-b"), new FlowHops.Hop("fulfilment", "b-to-partner")),
      Duration.ofMinutes(5), Duration.ofHours(24));
  private static TestStore store;

  @BeforeAll
  static void start() {
    store = TestStore.create();
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  /** One event of {@code order}, captured {@code minutesAgo}, delivered or dead {@code completedMinutesAgo}. */
  static void event(TestStore store, String namespace, String route, String order, EventState state,
      long minutesAgo, long completedMinutesAgo) {
    JournalSeed.in(store).namespace(namespace).route(route, "http://" + route + "/")
        .state(state, state == EventState.DELIVERED ? "delivered" : state == EventState.DEAD ? "503" : null,
            state == EventState.PENDING ? 0 : 1)
        .age(Duration.ofMinutes(minutesAgo)).completedAgo(Duration.ofMinutes(completedMinutesAgo))
        .correlation(i -> order).append(1);
  }

  private static void event(String namespace, String route, String order, EventState state, long minutesAgo,
      long completedMinutesAgo) {
    event(store, namespace, route, order, state, minutesAgo, completedMinutesAgo);
  }

  @Test
  void everyOrderIsCountedWhereItStandsAndOnlyTheFlowsOrders() {
    // ord-1 complete
    event("shop", "erp-to-a", "ord-1", EventState.DELIVERED, 30, 30);
    event("shop", "a-to-b", "ord-1", EventState.DELIVERED, 29, 29);
    event("fulfilment", "b-to-partner", "ord-1", EventState.DELIVERED, 28, 28);
    // ord-2 broken after hop 1: B accepted it 10 minutes ago and never passed it on
    event("shop", "erp-to-a", "ord-2", EventState.DELIVERED, 12, 12);
    event("shop", "a-to-b", "ord-2", EventState.DELIVERED, 11, 10);
    // ord-3 in flight: B accepted it a minute ago
    event("shop", "erp-to-a", "ord-3", EventState.DELIVERED, 2, 2);
    event("shop", "a-to-b", "ord-3", EventState.DELIVERED, 2, 1);
    // ord-4 failed at hop 1: A's delivery to B gave up
    event("shop", "erp-to-a", "ord-4", EventState.DELIVERED, 20, 20);
    event("shop", "a-to-b", "ord-4", EventState.DEAD, 19, 15);
    // ord-5 in flight at hop 0
    event("shop", "erp-to-a", "ord-5", EventState.PENDING, 1, 0);
    // ord-6 never entered the first hop; ord-7 entered before the lookback
    event("shop", "a-to-b", "ord-6", EventState.DELIVERED, 30, 30);
    event("shop", "erp-to-a", "ord-7", EventState.DELIVERED, 2 * 24 * 60, 2 * 24 * 60);
    // the same correlation id on a route of no hop, and on a hop's route name in another namespace
    event("shop", "audit", "ord-2", EventState.DELIVERED, 9, 9);
    event("elsewhere", "b-to-partner", "ord-2", EventState.DELIVERED, 9, 9);

    FlowTally tally = new FlowQuery(store.store.pool()).tally(FLOW, Instant.now()).await().atMost(WAIT);

    assertThat(tally.entered()).isEqualTo(5);
    assertThat(List.of(tally.complete(), tally.inFlight(), tally.failed(), tally.brokenCount()))
        .containsExactly(1L, 2L, 1L, 1L);
    assertThat(tally.broken()).extracting(FlowTally.Stopped::correlationId, FlowTally.Stopped::hop)
        .containsExactly(Tuple.tuple("ord-2", 1));
    assertThat(tally.reached()).containsExactly(5L, 4L, 1L);
    assertThat(tally.brokenAfter()).containsExactly(0L, 1L, 0L);
    assertThat(tally.failedAt()).containsExactly(0L, 1L, 0L);
  }
}
