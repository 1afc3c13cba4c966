package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.journal.retry.BreakerPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureCounterTest {

  private static BreakerPolicy policy(int consecutive, double ratio, int window) {
    return new BreakerPolicy(consecutive, ratio, window, Duration.ofSeconds(30), 10);
  }

  @Test
  void tripsOnTheNthConsecutiveFailureAndASuccessStartsTheRunAgain() {
    FailureCounter c = new FailureCounter(policy(3, 0, 20));
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(false)).isFalse();
    assertThat(c.consecutive()).isZero();
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(true)).isTrue();
  }

  @Test
  void oneFailureTripsAThresholdOfOne() {
    assertThat(new FailureCounter(policy(1, 0, 20)).record(true)).isTrue();
  }

  @Test
  void theRatioNeedsAFullWindowThenTripsAtTheRatio() {
    FailureCounter c = new FailureCounter(policy(1000, 0.5, 4));
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(false)).isFalse();
    assertThat(c.record(true)).as("3 of 4 known, window not full").isFalse();
    assertThat(c.record(false)).as("2 failures of the last 4 = 0.5").isTrue();
  }

  @Test
  void theWindowSlidesOldOutcomesOut() {
    FailureCounter c = new FailureCounter(policy(1000, 0.75, 4));
    c.record(true);
    c.record(true);
    c.record(true);
    assertThat(c.record(false)).as("3 of 4").isTrue();
    assertThat(c.record(false)).as("the oldest failure slid out: 2 of 4").isFalse();
    assertThat(c.failuresInWindow()).isEqualTo(2);
    assertThat(c.record(false)).isFalse();
    assertThat(c.failuresInWindow()).isEqualTo(1);
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(true)).as("failure, failure, failure after a success: 3 of 4").isTrue();
  }

  @Test
  void aRatioOfOneTripsOnlyOnAWindowOfFailures() {
    FailureCounter c = new FailureCounter(policy(1000, 1.0, 3));
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(true)).isTrue();
    c.reset();
    assertThat(c.record(false)).isFalse();
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(true)).isFalse();
    assertThat(c.record(true)).isTrue();
  }

  @Test
  void resetForgetsEverything() {
    FailureCounter c = new FailureCounter(policy(2, 0.5, 2));
    c.record(true);
    c.reset();
    assertThat(c.consecutive()).isZero();
    assertThat(c.failuresInWindow()).isZero();
    assertThat(c.record(true)).isFalse();
  }

  @Test
  void outOfRangePoliciesAreRefused() {
    assertThatThrownBy(() -> policy(0, 0, 20)).hasMessageContaining("consecutiveFailures");
    assertThatThrownBy(() -> policy(1, 1.5, 20)).hasMessageContaining("failureRatio");
    assertThatThrownBy(() -> policy(1, 0.5, 1)).hasMessageContaining("window");
    assertThatThrownBy(() -> new BreakerPolicy(1, 0, 2, Duration.ZERO, 1)).hasMessageContaining("openFor");
    assertThatThrownBy(() -> new BreakerPolicy(1, 0, 2, Duration.ofSeconds(1), 0))
        .hasMessageContaining("drainRate");
  }
}
