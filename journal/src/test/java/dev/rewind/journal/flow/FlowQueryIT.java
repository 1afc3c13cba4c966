package dev.rewind.journal.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.store.Uuids;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  /** An event captured {@code minutesAgo}, completed {@code completedMinutesAgo} (null: not completed). */
  private static void event(String namespace, String route, String correlation, String state, long minutesAgo,
      Long completedMinutesAgo) {
    Instant received = Instant.now().minus(Duration.ofMinutes(minutesAgo));
    store.column("INSERT INTO rewind.events (id, namespace, route, event_id, correlation_id, method, url, headers,"
        + " body, received_at, state, completed_at) VALUES ($1, $2, $3, gen_random_uuid()::text, $4, 'POST',"
        + " 'http://x/', '[]', '\\x7b7d', now() - $5::text::interval, $6,"
        + " now() - $7::text::interval) RETURNING id",
        Uuids.v7(received), namespace, route, correlation, minutesAgo + " minutes", state,
        completedMinutesAgo == null ? null : completedMinutesAgo + " minutes");
  }

  @Test
  void everyOrderIsCountedWhereItStandsAndOnlyTheFlowsOrders() {
    // ord-1 complete
    event("shop", "erp-to-a", "ord-1", "delivered", 30, 30L);
    event("shop", "a-to-b", "ord-1", "delivered", 29, 29L);
    event("fulfilment", "b-to-partner", "ord-1", "delivered", 28, 28L);
    // ord-2 broken after hop 1: B accepted it 10 minutes ago and never passed it on
    event("shop", "erp-to-a", "ord-2", "delivered", 12, 12L);
    event("shop", "a-to-b", "ord-2", "delivered", 11, 10L);
    // ord-3 in flight: B accepted it a minute ago
    event("shop", "erp-to-a", "ord-3", "delivered", 2, 2L);
    event("shop", "a-to-b", "ord-3", "delivered", 2, 1L);
    // ord-4 failed at hop 1: A's delivery to B gave up
    event("shop", "erp-to-a", "ord-4", "delivered", 20, 20L);
    event("shop", "a-to-b", "ord-4", "dead", 19, 15L);
    // ord-5 in flight at hop 0
    event("shop", "erp-to-a", "ord-5", "pending", 1, null);
    // ord-6 never entered the first hop; ord-7 entered before the lookback
    event("shop", "a-to-b", "ord-6", "delivered", 30, 30L);
    event("shop", "erp-to-a", "ord-7", "delivered", 2 * 24 * 60, 2L * 24 * 60);
    // the same correlation id on a route of no hop, and on a hop's route name in another namespace
    event("shop", "audit", "ord-2", "delivered", 9, 9L);
    event("elsewhere", "b-to-partner", "ord-2", "delivered", 9, 9L);

    FlowTally tally = new FlowQuery(store.store.pool()).tally(FLOW, Instant.now()).await().atMost(WAIT);

    assertThat(tally.entered()).isEqualTo(5);
    assertThat(List.of(tally.complete(), tally.inFlight(), tally.failed(), tally.brokenCount()))
        .containsExactly(1L, 2L, 1L, 1L);
    assertThat(tally.broken()).extracting(FlowTally.Broken::correlationId, FlowTally.Broken::hop)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ord-2", 1));
    assertThat(tally.reached()).containsExactly(5L, 4L, 1L);
    assertThat(tally.brokenAfter()).containsExactly(0L, 1L, 0L);
    assertThat(tally.failedAt()).containsExactly(0L, 1L, 0L);
  }
}
