package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An event's trace says what keeps it from being attempted, read from the real journal: its route published paused,
 * its destination's breaker open (whichever route or path reaches that server), the destination held by the
 * operator; nothing for an event already delivered, nor once the breaker lets events go again.
 */
class EventHoldIT {

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

  private static EventHold hold(UUID id) {
    return store.events.trace("holds", id).await().atMost(WAIT).orElseThrow().hold();
  }

  private static UUID event(String route, String url, EventState state) {
    return JournalSeed.in(store).namespace("holds").route(route, url).state(state, null, 0).append(1).get(0);
  }

  private static void publish(String route, String url, boolean paused) {
    store.column("INSERT INTO rewind.routes (namespace, name, generation, spec) VALUES ('holds', $1, 1,"
        + " jsonb_build_object('route', jsonb_build_object('paused', $3::boolean, 'destination',"
        + " jsonb_build_object('url', $2::text)))) RETURNING name", route, url, paused);
  }

  @Test
  void aTraceSaysWhatHoldsTheEventAndNothingOnceItGoes() {
    publish("paused-orders", "http://billing.example.com/orders", true);
    publish("partner-orders", "https://Partner.example.com/v2/orders", false);
    UUID paused = event("paused-orders", "http://billing.example.com/orders", EventState.PENDING);
    UUID waiting = event("partner-orders", "https://partner.example.com/v2/orders", EventState.FAILED);
    UUID delivered = event("partner-orders", "https://partner.example.com/v2/orders", EventState.DELIVERED);
    // A route the store has no copy of (standalone): the event's own URL names its destination.
    UUID unpublished = event("files-route", "https://partner.example.com:443/other", EventState.PENDING);

    EventHold p = hold(paused);
    assertThat(p.kind()).isEqualTo(EventHold.PAUSED);
    assertThat(p.describe()).startsWith("route paused since ").endsWith("goes out once the route is unpaused");
    assertThat(hold(waiting)).as("nothing holds it yet: its breaker is closed").isNull();

    store.column("INSERT INTO rewind.breakers (namespace, destination, state, opened_at, last_failure) VALUES"
        + " ('holds', 'https://partner.example.com:443', 'open', '2026-12-06T10:00:00Z', '503') RETURNING state");
    EventHold open = hold(waiting);
    assertThat(open.kind()).isEqualTo("open");
    assertThat(open.describe()).isEqualTo("circuit breaker of https://partner.example.com:443 open since"
        + " 2026-12-06T10:00:00Z (opened on 503); not attempted, no retry spent; goes out once a probe gets an"
        + " answer");
    assertThat(hold(unpublished).kind()).isEqualTo("open");
    assertThat(hold(delivered)).as("a delivered event waits for nothing").isNull();

    store.column("UPDATE rewind.breakers SET hold_reason = 'no ready endpoints for Service shop/partner'"
        + " RETURNING state");
    assertThat(hold(waiting).describe()).isEqualTo("destination https://partner.example.com:443 held: no ready"
        + " endpoints for Service shop/partner; goes out once the hold is lifted");

    store.column("UPDATE rewind.breakers SET hold_reason = NULL, state = 'draining' RETURNING state");
    assertThat(hold(waiting)).as("draining lets held events go").isNull();
  }
}
