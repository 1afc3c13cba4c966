package dev.rewind.operator.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.operator.model.ReplayBackoff;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How long a Replay whose start keeps failing waits between attempts. */
class ReplayBackoffTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  @Test
  void eachFailureDoublesTheWaitUpToAMinuteForAsLongAsTheFailuresLast() {
    List<Duration> waits = new ArrayList<>();
    ReplayBackoff backoff = null;
    Instant at = NOW;
    for (int i = 0; i < 12; i++) {
      backoff = ReplayBackoff.after(backoff, at);
      waits.add(backoff.remaining(at));
      at = backoff.retryAt();
    }

    assertThat(waits).extracting(Duration::getSeconds)
        .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L, 60L, 60L, 60L);
    assertThat(backoff.failures()).isEqualTo(12);
    assertThat(ReplayBackoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void itWaitsUntilItsInstantAndNotAfter() {
    ReplayBackoff backoff = ReplayBackoff.after(ReplayBackoff.after(null, NOW), NOW);

    assertThat(backoff.delay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.waiting(NOW.plusMillis(1999))).isTrue();
    assertThat(backoff.remaining(NOW.plusMillis(1500))).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.waiting(NOW.plusSeconds(2))).isFalse();
  }

  @Test
  void aBackoffFollowsAFailure() {
    assertThatThrownBy(() -> new ReplayBackoff(0, NOW)).isInstanceOf(IllegalArgumentException.class);
  }
}
