package dev.rewind.journal.retry;

import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.retrypolicy.spec.CircuitBreaker;
import java.time.Duration;

/**
 * A RetryPolicy's circuitBreaker with its defaults applied (the CRD's defaults; see {@code ResolvedPolicyTest}).
 *
 * @param failureRatio 0 when the ratio rule is off (consecutive failures only)
 */
public record BreakerPolicy(int consecutiveFailures, double failureRatio, int window, Duration openFor,
    int drainRate) {

  static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
  static final int DEFAULT_WINDOW = 20;
  static final String DEFAULT_OPEN_FOR = "30s";
  static final int DEFAULT_DRAIN_RATE = 10;

  public BreakerPolicy {
    if (consecutiveFailures < 1) {
      throw new IllegalArgumentException("consecutiveFailures must be at least 1, got " + consecutiveFailures);
    }
    if (failureRatio < 0 || failureRatio > 1) {
      throw new IllegalArgumentException("failureRatio must be in (0, 1], got " + failureRatio);
    }
    if (window < 2) {
      throw new IllegalArgumentException("window must be at least 2, got " + window);
    }
    if (openFor.isNegative() || openFor.isZero()) {
      throw new IllegalArgumentException("openFor must be more than 0s, got " + openFor);
    }
    if (drainRate < 1) {
      throw new IllegalArgumentException("drainRate must be at least 1, got " + drainRate);
    }
  }

  /** The resolved breaker, or null when the spec has none. */
  public static BreakerPolicy from(CircuitBreaker spec) {
    if (spec == null) {
      return null;
    }
    return new BreakerPolicy(
        spec.getConsecutiveFailures() == null ? DEFAULT_CONSECUTIVE_FAILURES : spec.getConsecutiveFailures(),
        spec.getFailureRatio() == null ? 0 : spec.getFailureRatio(),
        spec.getWindow() == null ? DEFAULT_WINDOW : spec.getWindow(),
        Durations.parse(spec.getOpenFor() == null ? DEFAULT_OPEN_FOR : spec.getOpenFor()),
        spec.getDrainRate() == null ? DEFAULT_DRAIN_RATE : spec.getDrainRate());
  }
}
