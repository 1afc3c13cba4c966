package dev.rewind.journal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.retrypolicy.spec.BackoffPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryDeciderTest {

  private static final Instant CAPTURED = Instant.parse("2026-11-27T10:00:00Z");
  private static final Instant NOW = CAPTURED.plusSeconds(5);
  /** u = 0.5 makes the jitter factor exactly 1. */
  private static final double NO_JITTER = 0.5;

  static ResolvedPolicy policy(BackoffPolicy backoff, String initial, double multiplier, String cap, double jitter,
      int maxAttempts, List<String> retryOn, boolean honorRetryAfter, String maxAge) {
    return new ResolvedPolicy(maxAttempts, backoff, dev.rewind.api.time.Durations.parse(initial), multiplier,
        dev.rewind.api.time.Durations.parse(cap), jitter, Duration.ofSeconds(10), OutcomeSelector.of(retryOn),
        honorRetryAfter, dev.rewind.api.time.Durations.parse(maxAge));
  }

  static ResolvedPolicy exponential() {
    return policy(BackoffPolicy.EXPONENTIAL, "1s", 2, "5m", 0.2, 10, null, true, "24h");
  }

  private static RetryDecision decide(ResolvedPolicy p, int attempts, Outcome outcome) {
    return RetryDecider.decide(p, attempts, outcome, CAPTURED, NOW, () -> NO_JITTER);
  }

  @Nested
  class Formula {

    @ParameterizedTest(name = "exponential retry {0} waits {1} ms")
    @CsvSource({"1, 1000", "2, 2000", "3, 4000", "4, 8000", "5, 16000", "9, 256000", "10, 300000"})
    void exponentialDoublesUpToTheCap(int n, long millis) {
      assertThat(RetryDecider.delay(exponential(), n, NO_JITTER)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "linear retry {0} waits {1} ms")
    @CsvSource({"1, 500", "2, 1000", "3, 1500", "7, 3500", "8, 4000", "9, 4000"})
    void linearGrowsByTheInitialDelayUpToTheCap(int n, long millis) {
      ResolvedPolicy p = policy(BackoffPolicy.LINEAR, "500ms", 1, "4s", 0, 10, null, true, "1h");
      assertThat(RetryDecider.delay(p, n, 0.9)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "fixed retry {0} always waits 750 ms")
    @ValueSource(ints = {1, 2, 3, 50})
    void fixedNeverGrows(int n) {
      ResolvedPolicy p = policy(BackoffPolicy.FIXED, "750ms", 1, "1s", 0, 100, null, true, "1h");
      assertThat(RetryDecider.delay(p, n, 0.1)).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void multiplierOtherThanTwo() {
      ResolvedPolicy p = policy(BackoffPolicy.EXPONENTIAL, "100ms", 1.5, "1h", 0, 10, null, true, "24h");
      assertThat(RetryDecider.delay(p, 3, NO_JITTER)).isEqualTo(Duration.ofMillis(225));
    }

    @Test
    void hugeRetryNumbersStayAtTheCapWithoutOverflow() {
      assertThat(RetryDecider.delay(exponential(), 5_000, NO_JITTER)).isEqualTo(Duration.ofMinutes(5));
      assertThat(RetryDecider.delay(exponential(), Integer.MAX_VALUE, 0.99)).isEqualTo(Duration.ofMinutes(5));
    }
  }

  @Nested
  class Jitter {

    @Test
    void extremesOfTheJitterRange() {
      // base(3) = 4 s, jitter 0.2: u = 0 gives the low end, u → 1 the high end.
      assertThat(RetryDecider.delay(exponential(), 3, 0.0)).isEqualTo(Duration.ofMillis(3200));
      assertThat(RetryDecider.delay(exponential(), 3, 0.999999).toMillis()).isEqualTo(4799);
    }

    @Test
    void jitterNeverPushesADelayPastTheCap() {
      // base(9) = 256 s, +20 % would be 307 s: the cap (300 s) wins.
      assertThat(RetryDecider.delay(exponential(), 9, 0.999)).isEqualTo(Duration.ofMinutes(5));
      Random random = new Random(42);
      for (int n = 1; n <= 40; n++) {
        for (int i = 0; i < 500; i++) {
          Duration d = RetryDecider.delay(exponential(), n, random.nextDouble());
          double base = Math.min(Math.pow(2, n - 1), 1e12) * 1000;
          assertThat(d).isLessThanOrEqualTo(Duration.ofMinutes(5));
          assertThat((double) d.toMillis()).isGreaterThanOrEqualTo(Math.min(base * 0.8, 300_000) - 1);
          assertThat((double) d.toMillis()).isLessThanOrEqualTo(base * 1.2);
        }
      }
    }

    @Test
    void fullJitterCanReachZeroButNeverNegative() {
      ResolvedPolicy p = policy(BackoffPolicy.FIXED, "1s", 1, "1s", 1.0, 3, null, true, "1h");
      assertThat(RetryDecider.delay(p, 1, 0.0)).isEqualTo(Duration.ZERO);
    }
  }

  @Nested
  class RetryOn {

    @ParameterizedTest(name = "{0} is retried by default")
    @ValueSource(ints = {500, 502, 503, 504, 599, 408, 429})
    void defaultRetriesServerErrorsTimeoutsAndThrottling(int code) {
      assertThat(decide(exponential(), 1, Outcome.status(code)).kind()).isEqualTo(RetryDecision.Kind.RETRY);
    }

    @ParameterizedTest(name = "{0} is not retried by default")
    @ValueSource(ints = {300, 301, 400, 401, 403, 404, 409, 410, 422})
    void defaultDoesNotRetryClientErrorsOrRedirects(int code) {
      RetryDecision d = decide(exponential(), 1, Outcome.status(code));
      assertThat(d.kind()).isEqualTo(RetryDecision.Kind.DEAD);
      assertThat(d.reason()).startsWith(code + " is not retried");
    }

    @ParameterizedTest(name = "{0} is retried by default")
    @EnumSource(value = ErrorClass.class, names = {"TIMEOUT", "CONNECT", "DNS"})
    void defaultRetriesTransportFailures(ErrorClass error) {
      assertThat(decide(exponential(), 1, Outcome.failure(error)).kind()).isEqualTo(RetryDecision.Kind.RETRY);
    }

    @Test
    void tlsFailuresAreRetriedOnlyWhenAskedFor() {
      assertThat(decide(exponential(), 1, Outcome.failure(ErrorClass.TLS)).kind())
          .isEqualTo(RetryDecision.Kind.DEAD);
      ResolvedPolicy p = policy(BackoffPolicy.FIXED, "1s", 1, "1s", 0, 3, List.of("tls-failure"), true, "1h");
      assertThat(decide(p, 1, Outcome.failure(ErrorClass.TLS)).kind()).isEqualTo(RetryDecision.Kind.RETRY);
    }

    @Test
    void explicitListReplacesTheDefault() {
      ResolvedPolicy p = policy(BackoffPolicy.FIXED, "1s", 1, "1s", 0, 3, List.of("502-503", "409"), true, "1h");
      assertThat(decide(p, 1, Outcome.status(502)).kind()).isEqualTo(RetryDecision.Kind.RETRY);
      assertThat(decide(p, 1, Outcome.status(503)).kind()).isEqualTo(RetryDecision.Kind.RETRY);
      assertThat(decide(p, 1, Outcome.status(409)).kind()).isEqualTo(RetryDecision.Kind.RETRY);
      assertThat(decide(p, 1, Outcome.status(500)).kind()).isEqualTo(RetryDecision.Kind.DEAD);
      assertThat(decide(p, 1, Outcome.failure(ErrorClass.TIMEOUT)).kind()).isEqualTo(RetryDecision.Kind.DEAD);
    }

    @ParameterizedTest(name = "{0} is delivered")
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void anyTwoHundredIsDelivered(int code) {
      assertThat(decide(exponential(), 7, Outcome.status(code)).kind()).isEqualTo(RetryDecision.Kind.DELIVERED);
    }
  }

  @Nested
  class Limits {

    @Test
    void theLastAllowedAttemptMakesTheEventDead() {
      ResolvedPolicy p = policy(BackoffPolicy.FIXED, "1s", 1, "1s", 0, 3, null, true, "1h");
      assertThat(decide(p, 2, Outcome.status(503)).kind()).isEqualTo(RetryDecision.Kind.RETRY);
      RetryDecision last = decide(p, 3, Outcome.status(503));
      assertThat(last.kind()).isEqualTo(RetryDecision.Kind.DEAD);
      assertThat(last.reason()).isEqualTo("gave up after 3 of 3 attempts");
    }

    @Test
    void noRetriesPolicyGivesUpAtOnceEvenOnRetryableOutcomes() {
      RetryDecision d = decide(ResolvedPolicy.NO_RETRIES, 1, Outcome.status(503));
      assertThat(d.kind()).isEqualTo(RetryDecision.Kind.DEAD);
    }

    @Test
    void anAttemptThatWouldStartAfterMaxAgeIsNotMade() {
      ResolvedPolicy p = policy(BackoffPolicy.FIXED, "10s", 1, "10s", 0, 10, null, true, "12s");
      // now = captured + 5 s; next = +15 s > 12 s.
      RetryDecision d = decide(p, 1, Outcome.status(503));
      assertThat(d.kind()).isEqualTo(RetryDecision.Kind.DEAD);
      assertThat(d.reason()).contains("maxAge 12s");
      ResolvedPolicy roomy = policy(BackoffPolicy.FIXED, "10s", 1, "10s", 0, 10, null, true, "15s");
      assertThat(decide(roomy, 1, Outcome.status(503)).kind()).isEqualTo(RetryDecision.Kind.RETRY);
    }

    @Test
    void attemptsMadeMustBePositive() {
      assertThatThrownBy(() -> decide(exponential(), 0, Outcome.status(503)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class RetryAfterHeader {

    @Test
    void longerRetryAfterWins() {
      RetryDecision d = decide(exponential(), 1, Outcome.status(503, Duration.ofSeconds(30)));
      assertThat(d.delay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shorterRetryAfterDoesNotShortenTheBackoff() {
      RetryDecision d = decide(exponential(), 3, Outcome.status(429, Duration.ofSeconds(1)));
      assertThat(d.delay()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void retryAfterIsClampedToMaxDelay() {
      RetryDecision d = decide(exponential(), 1, Outcome.status(503, Duration.ofHours(3)));
      assertThat(d.delay()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void ignoredWhenNotHonoured() {
      ResolvedPolicy p = policy(BackoffPolicy.FIXED, "1s", 1, "1m", 0, 3, null, false, "1h");
      assertThat(decide(p, 1, Outcome.status(503, Duration.ofSeconds(30))).delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterStillCountsAgainstMaxAge() {
      ResolvedPolicy p = policy(BackoffPolicy.FIXED, "1s", 1, "1h", 0, 3, null, true, "1m");
      assertThat(decide(p, 1, Outcome.status(503, Duration.ofMinutes(10))).kind()).isEqualTo(RetryDecision.Kind.DEAD);
    }
  }
}
