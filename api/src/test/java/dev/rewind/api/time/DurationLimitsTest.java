package dev.rewind.api.time;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationLimitsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "timeout | 1ms | ",
      "timeout | 1h | ",
      "timeout | 0.000000001s | ",
      "timeout | 0s | timeout must be more than 0s and at most 1h, not 0s",
      "timeout | 0.000000001ms | timeout must be more than 0s and at most 1h, not 0s",
      "timeout | 1h0.001s | timeout must be more than 0s and at most 1h, not 1h0.001s",
      "initialDelay | 0s | ",
      "initialDelay | 24h | ",
      "initialDelay | 24h1ms | backoff.initialDelay must be at most 24h, not 24h0.001s",
      "maxDelay | 25h | backoff.maxDelay must be at most 24h, not 25h",
      "maxAge | 720h | ",
      "maxAge | 721h | maxAge must be at most 720h, not 721h",
      "since | 87600h | ",
      "since | 87600h1s | since, as a duration, must be at most 87600h (10 years), not 87600h1s",
      "until | 999999h | until, as a duration, must be at most 87600h (10 years), not 999999h"
  })
  void eachFieldHasItsBound(String field, String text, String expected) {
    DurationLimits.Bound bound = switch (field) {
      case "timeout" -> DurationLimits.TIMEOUT;
      case "initialDelay" -> DurationLimits.INITIAL_DELAY;
      case "maxDelay" -> DurationLimits.MAX_DELAY;
      case "maxAge" -> DurationLimits.MAX_AGE;
      case "since" -> DurationLimits.SINCE;
      default -> DurationLimits.UNTIL;
    };
    assertThat(DurationLimits.check(field, text, bound)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"99999999999h", "1.0000000001s", "-1s", "1s1m"})
  void aValueOutsideTheGrammarIsNamedWithItsField(String text) {
    assertThat(DurationLimits.check("timeout", text, DurationLimits.TIMEOUT))
        .startsWith("timeout: \"" + text + "\" is not a duration: write hours, minutes");
  }
}
