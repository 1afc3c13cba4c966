package dev.rewind.api.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeWindowTest {

  private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");

  @ParameterizedTest(name = "since {0}, until {1}")
  @CsvSource({
      // timestamp, timestamp
      "2026-11-27T10:00:00Z, 2026-11-27T11:00:00Z",
      "2026-11-27t10:00:00z, 2026-11-27T12:00:00.000000001+01:00",
      // duration, duration
      "2h, 1h",
      "1h, 59m59.999s",
      // mixed: the start of the replay decides
      "2h, 2026-11-27T11:00:00Z",
      "2026-11-27T10:00:00Z, 1h",
      // open ends
      ", 1h",
      "2h, ",
      ","
  })
  void aWindowThatIsNotEmptyHasNoProblem(String since, String until) {
    assertThat(TimeWindow.problem(since, until, START)).isNull();
  }

  @ParameterizedTest(name = "since {0}, until {1}")
  @CsvSource({
      "2026-11-27T11:00:00Z, 2026-11-27T10:00:00Z",
      "2026-11-27T10:00:00Z, 2026-11-27T10:00:00Z",
      "2026-11-27t10:00:00z, 2026-11-27T11:00:00+01:00",
      "1h, 2h",
      "1h, 60m",
      "1h, 2026-11-27T10:00:00Z",
      "2026-11-27T11:30:00Z, 1h",
      "2026-11-28T00:00:00Z, 1ms"
  })
  void anEmptyWindowIsReportedOnUntil(String since, String until) {
    assertThat(TimeWindow.problem(since, until, START))
        .startsWith("spec.until must be later than spec.since")
        .contains(since, until);
  }

  @ParameterizedTest(name = "since {0}, until {1}")
  @CsvSource(delimiter = '|', value = {
      "99999999999h | 1h | spec.since: \"99999999999h\" is neither",
      "87601h | 1h | spec.since, as a duration, must be at most 87600h",
      "2h | 87600h1ms | spec.until, as a duration, must be at most 87600h",
      "2h | 2026-02-30T00:00:00Z | spec.until: \"2026-02-30T00:00:00Z\" is neither",
      "yesterday | | spec.since: \"yesterday\" is neither"
  })
  void aValueOutsideTheGrammarsOrBoundsIsNamed(String since, String until, String expected) {
    assertThat(TimeWindow.problem(since, until, START)).startsWith(expected);
  }
}
