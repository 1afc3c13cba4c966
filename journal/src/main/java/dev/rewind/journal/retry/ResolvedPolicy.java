package dev.rewind.journal.retry;

import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.retrypolicy.spec.Backoff;
import dev.rewind.api.v1alpha1.retrypolicy.spec.BackoffPolicy;
import java.time.Duration;
import java.util.List;

/**
 * A RetryPolicy with its durations parsed and its defaults applied, ready for {@link RetryDecider}.
 *
 * <p>Specs reach Rewind already defaulted (by the API server, or by the standalone manifest reader from the same
 * CRD). The fallbacks here only guard against a spec built in code; {@code ResolvedPolicyTest} checks they equal
 * the CRD's defaults, so there is one set of defaults in effect.
 */
public record ResolvedPolicy(
    int maxAttempts,
    BackoffPolicy backoff,
    Duration initialDelay,
    double multiplier,
    Duration maxDelay,
    double jitter,
    Duration timeout,
    OutcomeSelector retryOn,
    boolean honorRetryAfter,
    Duration maxAge,
    BreakerPolicy breaker) {

  /** A policy without a circuit breaker. */
  public ResolvedPolicy(int maxAttempts, BackoffPolicy backoff, Duration initialDelay, double multiplier,
      Duration maxDelay, double jitter, Duration timeout, OutcomeSelector retryOn, boolean honorRetryAfter,
      Duration maxAge) {
    this(maxAttempts, backoff, initialDelay, multiplier, maxDelay, jitter, timeout, retryOn, honorRetryAfter,
        maxAge, null);
  }

  static final int DEFAULT_MAX_ATTEMPTS = 3;
  static final String DEFAULT_INITIAL_DELAY = "1s";
  static final double DEFAULT_MULTIPLIER = 2;
  static final String DEFAULT_MAX_DELAY = "5m";
  static final double DEFAULT_JITTER = 0.2;
  static final String DEFAULT_TIMEOUT = "10s";
  static final String DEFAULT_MAX_AGE = "24h";

  /**
   * What a Route without retryPolicyRef gets: one attempt, no retries. Failed events stay journaled as dead and
   * can be replayed; retrying was never asked for, so Rewind does not invent it.
   */
  public static final ResolvedPolicy NO_RETRIES = new ResolvedPolicy(1, BackoffPolicy.FIXED,
      Duration.ofSeconds(1), 1, Duration.ofSeconds(1), 0, Durations.parse(DEFAULT_TIMEOUT),
      OutcomeSelector.of(List.of()), false, Durations.parse(DEFAULT_MAX_AGE));

  public static ResolvedPolicy from(RetryPolicySpec spec) {
    Backoff b = spec.getBackoff() == null ? new Backoff() : spec.getBackoff();
    return new ResolvedPolicy(
        or(spec.getMaxAttempts(), DEFAULT_MAX_ATTEMPTS),
        b.getPolicy() == null ? BackoffPolicy.EXPONENTIAL : b.getPolicy(),
        Durations.parse(or(b.getInitialDelay(), DEFAULT_INITIAL_DELAY)),
        or(b.getMultiplier(), DEFAULT_MULTIPLIER),
        Durations.parse(or(b.getMaxDelay(), DEFAULT_MAX_DELAY)),
        or(b.getJitter(), DEFAULT_JITTER),
        Durations.parse(or(spec.getTimeout(), DEFAULT_TIMEOUT)),
        OutcomeSelector.of(spec.getRetryOn()),
        or(spec.getHonorRetryAfter(), Boolean.TRUE),
        Durations.parse(or(spec.getMaxAge(), DEFAULT_MAX_AGE)),
        BreakerPolicy.from(spec.getCircuitBreaker()));
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
