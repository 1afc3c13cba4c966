package dev.rewind.api.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Pattern;
import dev.rewind.api.v1alpha1.Rewind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  /** The schema pattern as the API server applies it: Go's RE2, searching (anchors do the rest). */
  private static final Pattern SCHEMA = Pattern.compile(Rewind.DURATION_PATTERN);

  @ParameterizedTest
  @CsvSource({
      "500ms, 500",
      "1s, 1000",
      "1.5s, 1500",
      "1m30s, 90000",
      "2h, 7200000",
      "1h0m0.25s, 3600250",
      "0s, 0",
      "0.5ms, 0",
      "1h1m1s1ms, 3661001",
      "1h1ms, 3600001",
      "1m1ms, 60001",
      "000010s, 10000"
  })
  void parsesDurations(String text, long millis) {
    assertThat(Durations.parse(text).toMillis()).isEqualTo(millis);
    assertThat(SCHEMA.matcher(text).find()).as("schema pattern on %s", text).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
      "999999h, 3599996400000000000",
      "999999.999999999h, 3599999999999996400",
      "999999.999999999h999999.999999999m999999.999999999s999999.999999999ms, 3661000999999996338",
      "1.123456789s, 1123456789",
      "0.000000001h, 3600",
      "0.123456789ms, 123456",
      "0.000000001ms, 0"
  })
  void theLargestAndFinestValuesParseExactlyDroppingFractionsOfANanosecond(String text, long nanos) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "5", "5 s", "-1s", "+1s", "1d", "s", "1.s", ".5s", "PT1S", "1H", "1us", "1ns", "1µs",
      // More than 6 digits or 9 decimals: the values that once overflowed or disagreed with the schema.
      "99999999999h", "1000000h", "1000000ms", "1.0000000001s", "0.0000000000h",
      // Units out of order or repeated.
      "1s1m", "1ms1s", "1h1h", "1m1h", "30s30s", "1s1h",
      // Whitespace anywhere, a trailing newline included (Go's $ does not match before it).
      " 1s", "1s ", "1s\n", "1 h"
  })
  void refusesEverythingElseNamingTheValueAndSayingWhatIsAllowed(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"")
        .hasMessageContaining("in that order")
        .hasMessageContaining("at most 6 digits with at most 9 decimals");
    assertThat(Durations.isDuration(text)).isFalse();
    assertThat(SCHEMA.matcher(text).find()).as("schema pattern on %s", text).isFalse();
  }

  @Test
  void nullIsNotADuration() {
    assertThatThrownBy(() -> Durations.parse(null)).isExactlyInstanceOf(IllegalArgumentException.class);
    assertThat(Durations.isDuration(null)).isFalse();
  }

  @Test
  void anOverflowingValueIsRefusedNotAnArithmeticError() {
    // Used to throw ArithmeticException from longValueExact, leaving the RetryPolicy without a status.
    assertThatThrownBy(() -> Durations.parse("99999999999h")).isExactlyInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tenDecimalsAreRefusedByTheParserAndTheSchemaAlike() {
    // The schema used to accept this while the parser refused it.
    assertThat(SCHEMA.matcher("1.0000000001s").find()).isFalse();
    assertThat(Durations.isDuration("1.0000000001s")).isFalse();
    assertThat(Durations.parse("1.000000001s")).isEqualTo(Duration.ofNanos(1_000_000_001L));
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
      "2026-11-27t10:00:00z, 2026-11-27T10:00:00Z",
      "2026-11-27t12:00:00.5+02:00, 2026-11-27T10:00:00.5Z",
      "2h, 2026-11-27T10:00:00Z",
      "30m, 2026-11-27T11:30:00Z"
  })
  void instantOrAgoCountsDurationsBackFromTheReference(String text, String expected) {
    Instant reference = Instant.parse("2026-11-27T12:00:00Z");
    assertThat(InstantOrAgo.resolve(text, reference)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-13-27T10:00:00Z", "yesterday", "99999999999h", "2026-02-30T10:00:00Z", "1s1m"})
  void instantOrAgoRejectsOtherText(String text) {
    assertThatThrownBy(() -> InstantOrAgo.resolve(text, Instant.EPOCH))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
    assertThat(Pattern.compile(InstantOrAgo.PATTERN).matcher(text).find()).isFalse();
  }
}
