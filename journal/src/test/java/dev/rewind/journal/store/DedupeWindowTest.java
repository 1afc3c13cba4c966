package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DedupeWindowTest {

  @Test
  void justAfterMidnightTheWindowCoversThePreviousDayFromTheSameTimeOfDayAndAllOfToday() {
    DedupeWindow window = DedupeWindow.at(Instant.parse("2026-12-06T00:30:00Z"));

    assertThat(window.from()).isEqualTo(Uuids.lowerBound(Instant.parse("2026-12-05T00:30:00Z")));
    assertThat(window.until()).isEqualTo(Uuids.lowerBound(Instant.parse("2026-12-07T00:00:00Z")));
  }

  @Test
  void anIdOfTheLastMillisecondOfTheCurrentDayIsInsideAndOneOfTheNextDayIsNot() {
    DedupeWindow window = DedupeWindow.at(Instant.parse("2026-12-06T18:00:00Z"));

    assertThat(Uuids.v7(Instant.parse("2026-12-06T23:59:59.999Z")).compareTo(window.until())).isNegative();
    assertThat(Uuids.v7(Instant.parse("2026-12-07T00:00:00Z")).compareTo(window.until())).isNotNegative();
    assertThat(Uuids.v7(Instant.parse("2026-12-05T18:00:00Z")).compareTo(window.from())).isNotNegative();
  }
}
