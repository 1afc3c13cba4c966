package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What holds an event, for every breaker state and with or without a pause or a hold reason. */
class EventHoldTest {

  private static final Instant AT = Instant.parse("2026-12-06T10:00:00.750Z");
  private static final String DEST = "http://partner:8443";

  private static BreakerRow row(String state, String holdReason) {
    return new BreakerRow(DEST, state, AT, 1000, null, null, "w", "timeout", holdReason, AT);
  }

  @Test
  void aPauseComesFirstWhateverTheBreakerSays() {
    EventHold hold = EventHold.of(true, AT, row("open", "maintenance"));
    assertThat(hold.kind()).isEqualTo(EventHold.PAUSED);
    assertThat(hold.destination()).isNull();
    assertThat(hold.describe()).isEqualTo("route paused since 2026-12-06T10:00:00Z; goes out once the route is"
        + " unpaused");
    assertThat(EventHold.of(true, null, null).describe()).isEqualTo("route paused; goes out once the route is"
        + " unpaused");
  }

  @Test
  void aHoldReasonHoldsInEveryBreakerState() {
    for (String state : new String[] {"closed", "open", "half_open", "draining"}) {
      assertThat(EventHold.of(false, null, row(state, "no ready endpoints")).kind()).as(state)
          .isEqualTo(EventHold.HELD);
    }
  }

  @Test
  void anOpenOrProbedBreakerHoldsAndAClosedOrDrainingOneDoesNot() {
    assertThat(EventHold.of(false, null, row("open", null)).describe()).isEqualTo("circuit breaker of " + DEST
        + " open since 2026-12-06T10:00:00Z (opened on timeout); not attempted, no retry spent; goes out once a"
        + " probe gets an answer");
    assertThat(EventHold.of(false, null, row("half_open", null)).describe()).contains("open since"
        + " 2026-12-06T10:00:00Z (opened on timeout), being probed;");
    assertThat(EventHold.of(false, null, row("closed", null))).isNull();
    assertThat(EventHold.of(false, null, row("draining", null))).isNull();
    assertThat(EventHold.of(false, null, null)).isNull();
  }
}
