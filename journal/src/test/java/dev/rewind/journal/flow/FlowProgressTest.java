package dev.rewind.journal.flow;

import static dev.rewind.api.v1alpha1.common.EventState.DEAD;
import static dev.rewind.api.v1alpha1.common.EventState.DELIVERED;
import static dev.rewind.api.v1alpha1.common.EventState.DELIVERING;
import static dev.rewind.api.v1alpha1.common.EventState.FAILED;
import static dev.rewind.api.v1alpha1.common.EventState.PENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.flow.FlowProgress.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every way an order can stand in a three-hop flow (ERP → A → B → partner), with {@code within} 5 minutes. */
class FlowProgressTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final Duration WITHIN = Duration.ofMinutes(5);

  private static HopEvent event(int hop, EventState state, long receivedMinutesAgo, Long completedMinutesAgo) {
    return new HopEvent(hop, state, NOW.minus(Duration.ofMinutes(receivedMinutesAgo)),
        completedMinutesAgo == null ? null : NOW.minus(Duration.ofMinutes(completedMinutesAgo)));
  }

  private static FlowProgress progress(HopEvent... events) {
    return FlowProgress.of(3, WITHIN, List.of(events), NOW).orElseThrow();
  }

  @Test
  void anOrderNoHopCapturedIsNotInTheFlow() {
    assertThat(FlowProgress.of(3, WITHIN, List.of(), NOW)).isEmpty();
  }

  @Test
  void deliveredByTheLastHopIsComplete() {
    FlowProgress p = progress(event(0, DELIVERED, 30, 30L), event(1, DELIVERED, 29, 29L), event(2, DELIVERED, 28, 27L));

    assertThat(p).isEqualTo(new FlowProgress(State.COMPLETE, 2, NOW.minus(Duration.ofMinutes(27))));
  }

  @Test
  void deliveredLessThanWithinAgoAndNotYetCapturedByTheNextHopIsInFlight() {
    FlowProgress p = progress(event(0, DELIVERED, 10, 10L), event(1, DELIVERED, 9, 4L));

    assertThat(p.state()).isEqualTo(State.IN_FLIGHT);
    assertThat(p.hop()).isEqualTo(1);
  }

  @Test
  void deliveredMoreThanWithinAgoAndNeverCapturedByTheNextHopIsBrokenAfterThatHop() {
    FlowProgress p = progress(event(0, DELIVERED, 10, 10L), event(1, DELIVERED, 9, 6L));

    assertThat(p).isEqualTo(new FlowProgress(State.BROKEN, 1, NOW.minus(Duration.ofMinutes(6))));
  }

  @Test
  void exactlyWithinIsStillInFlight() {
    assertThat(progress(event(0, DELIVERED, 5, 5L)).state()).isEqualTo(State.IN_FLIGHT);
  }

  @ParameterizedTest
  @EnumSource(value = EventState.class, names = {"PENDING", "DELIVERING", "FAILED"})
  void aHopStillTryingIsInFlightHoweverLong(EventState state) {
    FlowProgress p = progress(event(0, DELIVERED, 90, 90L), event(1, state, 80, null));

    assertThat(p).isEqualTo(new FlowProgress(State.IN_FLIGHT, 1, NOW.minus(Duration.ofMinutes(80))));
  }

  @Test
  void aHopThatGaveUpIsFailedThere() {
    FlowProgress p = progress(event(0, DELIVERED, 20, 20L), event(1, DEAD, 19, 15L));

    assertThat(p).isEqualTo(new FlowProgress(State.FAILED, 1, NOW.minus(Duration.ofMinutes(15))));
  }

  @Test
  void aReplayedHopCountsFromItsLatestDeliveryNotItsFirst() {
    // Broken after hop 0 an hour ago; the broken flow's replay re-delivered hop 0 two minutes ago.
    FlowProgress p = progress(event(0, DELIVERED, 60, 2L));

    assertThat(p.state()).isEqualTo(State.IN_FLIGHT);
    assertThat(p.since()).isEqualTo(NOW.minus(Duration.ofMinutes(2)));
  }

  @Test
  void anOrderSentTwiceCountsItsMostAdvancedEventAtTheFurthestHop() {
    assertThat(progress(event(0, DELIVERED, 20, 20L), event(1, DEAD, 19, 18L), event(1, DELIVERED, 10, 9L),
        event(1, PENDING, 1, null)).state()).isEqualTo(State.BROKEN);
    assertThat(progress(event(0, DELIVERED, 20, 20L), event(1, DEAD, 19, 18L), event(1, DELIVERING, 1, null))
        .state()).isEqualTo(State.IN_FLIGHT);
    assertThat(progress(event(1, DEAD, 19, 18L), event(1, DEAD, 9, 8L)))
        .isEqualTo(new FlowProgress(State.FAILED, 1, NOW.minus(Duration.ofMinutes(8))));
  }

  @Test
  void aLaterHopCountsEvenWhenAnEarlierOneWasNotCaptured() {
    // Hop 1's sender was not captured yet (capture turned on midway): the order still got to the partner.
    assertThat(progress(event(0, DELIVERED, 20, 20L), event(2, FAILED, 3, null)))
        .isEqualTo(new FlowProgress(State.IN_FLIGHT, 2, NOW.minus(Duration.ofMinutes(3))));
  }

  @Test
  void refusesWhatCannotBeAFlow() {
    assertThatThrownBy(() -> FlowProgress.of(1, WITHIN, List.of(), NOW)).hasMessageContaining("2 hops or more");
    assertThatThrownBy(() -> FlowProgress.of(2, WITHIN, List.of(event(2, PENDING, 1, null)), NOW))
        .hasMessageContaining("event of hop 2 in a flow of 2 hops");
    assertThatThrownBy(() -> event(0, DELIVERED, 1, null)).hasMessageContaining("delivered event without completedAt");
  }
}
