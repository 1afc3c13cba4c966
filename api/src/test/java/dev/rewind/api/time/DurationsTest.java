package dev.rewind.api.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, 500",
      "1s, 1000",
      "1.5s, 1500",
      "1m30s, 90000",
      "2h, 7200000",
      "1h0m0.25s, 3600250",
      "0s, 0",
      "0.5ms, 0"
  })
  void parsesGoStyleDurations(String text, long millis) {
    assertThat(Durations.parse(text).toMillis()).isEqualTo(millis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "5 s", "-1s", "1d", "s", "1.s", "PT1S"})
  void rejectsAnythingElseNamingTheValue(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"");
  }

  @ParameterizedTest
  @CsvSource({"0, 0s", "250, 250ms", "1000, 1s", "90000, 1m30s", "3600500, 1h0.5s", "7260000, 2h1m"})
  void formatsRoundTrip(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({
      "2026-11-27T10:00:00Z, 2026-11-27T10:00:00Z",
      "2026-11-27T12:00:00+02:00, 2026-11-27T10:00:00Z",
      "2h, 2026-11-27T10:00:00Z",
      "30m, 2026-11-27T11:30:00Z"
  })
  void instantOrAgoCountsDurationsBackFromTheReference(String text, String expected) {
    Instant reference = Instant.parse("2026-11-27T12:00:00Z");
    assertThat(InstantOrAgo.resolve(text, reference)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-13-27T10:00:00Z", "yesterday"})
  void instantOrAgoRejectsOtherText(String text) {
    assertThatThrownBy(() -> InstantOrAgo.resolve(text, Instant.EPOCH)).hasMessageContaining(text);
  }
}
