package dev.rewind.journal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutcomeSelectorTest {

  @ParameterizedTest(name = "{0} selects {1}: {2}")
  @CsvSource({
      "5xx, 500, true", "5xx, 599, true", "5xx, 499, false", "5xx, timeout, false",
      "429, 429, true", "429, 428, false",
      "500-504, 500, true", "500-504, 504, true", "500-504, 505, false",
      "timeout, timeout, true", "timeout, connect-failure, false",
      "connect-failure, connect-failure, true", "tls-failure, tls-failure, true",
      "4xx, delivered, false"
  })
  void matchesTokens(String pattern, String token, boolean expected) {
    assertThat(OutcomeSelector.of(List.of(pattern)).matches(token)).isEqualTo(expected);
  }

  @Test
  void nullMeansTheDocumentedDefault() {
    OutcomeSelector selector = OutcomeSelector.of(null);
    assertThat(selector.patterns()).containsExactly("5xx", "408", "429", "connect-failure", "timeout");
    assertThat(selector.matches((String) null)).isFalse();
  }

  @Test
  void emptyListSelectsNothing() {
    assertThat(OutcomeSelector.of(List.of()).matches("503")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"600", "5xxx", "dns", "503-500", "", "TIMEOUT"})
  void rejectsWhatIsNotAnOutcome(String pattern) {
    assertThatThrownBy(() -> OutcomeSelector.of(List.of(pattern))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(pattern);
  }

  @Test
  void tokensOfOutcomes() {
    assertThat(Outcome.status(200).token()).isEqualTo("delivered");
    assertThat(Outcome.status(503).token()).isEqualTo("503");
    assertThat(Outcome.status(302).delivered()).isFalse();
    assertThat(Outcome.failure(ErrorClass.DNS).token()).isEqualTo("connect-failure");
    assertThat(Outcome.failure(ErrorClass.CONNECT).token()).isEqualTo("connect-failure");
    assertThat(Outcome.failure(ErrorClass.TIMEOUT).token()).isEqualTo("timeout");
    assertThat(Outcome.failure(ErrorClass.TLS).token()).isEqualTo("tls-failure");
  }

  @Test
  void retryAfterSecondsAndDates() {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    assertThat(RetryAfter.parse("120", now)).isEqualTo(Duration.ofMinutes(2));
    assertThat(RetryAfter.parse(" 0 ", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("Fri, 27 Nov 2026 10:01:30 GMT", now)).isEqualTo(Duration.ofSeconds(90));
    assertThat(RetryAfter.parse("Fri, 27 Nov 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("99999999999999999999", now)).isPositive();
    assertThat(RetryAfter.parse("soon", now)).isNull();
    assertThat(RetryAfter.parse("-5", now)).isNull();
    assertThat(RetryAfter.parse("", now)).isNull();
    assertThat(RetryAfter.parse(null, now)).isNull();
  }
}
