package dev.rewind.api.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Pattern;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

  private static final Pattern SCHEMA = Pattern.compile(Timestamps.PATTERN);

  @ParameterizedTest
  @CsvSource({
      "2026-11-27T10:00:00Z, 2026-11-27T10:00:00Z",
      "2026-11-27t10:00:00z, 2026-11-27T10:00:00Z",
      "2026-11-27T12:00:00+02:00, 2026-11-27T10:00:00Z",
      "2026-11-27T10:00:00-00:00, 2026-11-27T10:00:00Z",
      "2026-11-27T10:00:00.1Z, 2026-11-27T10:00:00.1Z",
      "2026-11-27T10:00:00.123456789Z, 2026-11-27T10:00:00.123456789Z",
      "2024-02-29T00:00:00Z, 2024-02-29T00:00:00Z",
      "2000-02-29T00:00:00Z, 2000-02-29T00:00:00Z",
      "1972-02-29T00:00:00Z, 1972-02-29T00:00:00Z",
      "2400-02-29T00:00:00Z, 2400-02-29T00:00:00Z",
      "2026-12-31T23:59:59Z, 2026-12-31T23:59:59Z",
      "1970-01-01T00:00:00Z, 1970-01-01T00:00:00Z",
      "2999-12-31T23:59:59.999999999Z, 2999-12-31T23:59:59.999999999Z",
      // Offsets up to 18 hours, as far as Java's ZoneOffset (behind CEL-Java's timestamp()) goes.
      "2026-11-27T18:00:00+18:00, 2026-11-27T00:00:00Z",
      "2026-11-27T00:00:00-18:00, 2026-11-27T18:00:00Z",
      "2026-11-27T17:59:00+17:59, 2026-11-27T00:00:00Z"
  })
  void parsesRfc3339(String text, String expected) {
    assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(expected));
    assertThat(SCHEMA.matcher(text).find()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2026-11-27T10:00:00Z", "2026-11-27t10:00:00.5z", "2026-06-30T12:34:56.789+05:30", "2024-02-29T00:00:00-08:00",
      "2026-11-27T10:00:00+18:00", "2026-11-27T10:00:00-18:00"
  })
  void agreesWithOffsetDateTime(String text) {
    assertThat(Timestamps.parse(text))
        .isEqualTo(OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2026-13-27T10:00:00Z", "2026-00-27T10:00:00Z", "2026-11-00T10:00:00Z", "2026-11-32T10:00:00Z",
      "2026-02-29T10:00:00Z", "2100-02-29T10:00:00Z", "2026-02-30T10:00:00Z", "2026-04-31T10:00:00Z",
      "2026-11-27T24:00:00Z", "2026-11-27T10:60:00Z", "2026-11-27T10:00:60Z", "2026-11-27T10:00:00+24:00",
      "2026-11-27T10:00:00+02:60", "2026-11-27T10:00:00+18:01", "2026-11-27T10:00:00-19:00",
      "2026-11-27T10:00:00+23:59", "2026-11-27T10:00:00.1234567890Z", "2026-11-27T10:00:00.Z",
      "2026-11-27T10:00:00", "2026-11-27 10:00:00Z", "2026-11-27", "1969-12-31T23:59:59Z", "3000-01-01T00:00:00Z",
      "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "26-11-27T10:00:00Z", "2026-11-27T10:00:00+0200",
      "2026-11-27T10:00:00Z\n", " 2026-11-27T10:00:00Z", "2026-11-27T1:00:00Z", ""
  })
  void refusesWhatIsNotARealInstantInTheGrammar(String text) {
    assertThatThrownBy(() -> Timestamps.parse(text))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"")
        .hasMessageContaining("a real date from year 1970 to 2999");
    assertThat(SCHEMA.matcher(text).find()).isFalse();
  }
}
