package dev.rewind.journal.retry;

import dev.rewind.api.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * The one place that decides whether a failed attempt is retried and when. Pure: the clock and the randomness
 * come in as arguments, so every branch is unit-tested.
 *
 * <pre>
 *   base(n)  = initialDelay                          fixed
 *            = initialDelay × n                      linear
 *            = initialDelay × multiplier^(n−1)       exponential       (n = attempts made so far, ≥ 1)
 *   delay(n) = min(maxDelay, base(n) × (1 + jitter × (2u − 1)))        u uniform in [0, 1)
 *   with honorRetryAfter and a Retry-After of r:  delay = min(maxDelay, max(delay(n), r))
 * </pre>
 *
 * An attempt is retried when its outcome is in retryOn, fewer than maxAttempts attempts were made, and the next
 * attempt would start within maxAge of capture; otherwise the event is dead.
 */
public final class RetryDecider {

  private RetryDecider() {}

  /**
   * @param attemptsMade attempts made so far, the one that just ended included (≥ 1)
   * @param random uniform in [0, 1)
   */
  public static RetryDecision decide(ResolvedPolicy policy, int attemptsMade, Outcome outcome, Instant capturedAt,
      Instant now, DoubleSupplier random) {
    if (attemptsMade < 1) {
      throw new IllegalArgumentException("attemptsMade must be at least 1, got " + attemptsMade);
    }
    if (outcome.delivered()) {
      return RetryDecision.delivered();
    }
    if (!policy.retryOn().matches(outcome)) {
      return RetryDecision.dead(outcome.token() + " is not retried (retryOn: "
          + String.join(", ", policy.retryOn().patterns()) + ")");
    }
    if (attemptsMade >= policy.maxAttempts()) {
      return RetryDecision.dead("gave up after " + attemptsMade + " of " + policy.maxAttempts() + " attempts");
    }
    Duration delay = delay(policy, attemptsMade, random.getAsDouble());
    if (policy.honorRetryAfter() && outcome.retryAfter() != null) {
      delay = min(policy.maxDelay(), max(delay, outcome.retryAfter()));
    }
    Instant next = now.plus(delay);
    Instant deadline = capturedAt.plus(policy.maxAge());
    if (next.isAfter(deadline)) {
      return RetryDecision.dead("next attempt would start after maxAge " + Durations.format(policy.maxAge()));
    }
    return RetryDecision.retry(delay);
  }

  /**
   * The decision for an attempt that does not count against maxAttempts: a circuit breaker's probe, or an attempt
   * that ended after its destination's breaker opened. A retryable failure keeps the event (held until the breaker
   * lets it go) unless that would keep it past maxAge; anything else is decided as usual.
   */
  public static RetryDecision decideUncounted(ResolvedPolicy policy, Outcome outcome, Instant capturedAt,
      Instant now, DoubleSupplier random) {
    if (outcome.delivered()) {
      return RetryDecision.delivered();
    }
    if (!policy.retryOn().matches(outcome)) {
      return RetryDecision.dead(outcome.token() + " is not retried (retryOn: "
          + String.join(", ", policy.retryOn().patterns()) + ")");
    }
    Duration delay = delay(policy, 1, random.getAsDouble());
    if (now.plus(delay).isAfter(capturedAt.plus(policy.maxAge()))) {
      return RetryDecision.dead("held while the destination's circuit breaker was open, past maxAge "
          + Durations.format(policy.maxAge()));
    }
    return RetryDecision.retry(delay);
  }

  /** The backoff delay before retry {@code n} (n ≥ 1), jittered by {@code u} in [0, 1), then capped. */
  public static Duration delay(ResolvedPolicy policy, int n, double u) {
    double initial = policy.initialDelay().toNanos();
    double base = switch (policy.backoff()) {
      case FIXED -> initial;
      case LINEAR -> initial * n;
      case EXPONENTIAL -> initial * Math.pow(policy.multiplier(), n - 1);
    };
    double jittered = base * (1 + policy.jitter() * (2 * u - 1));
    double cap = policy.maxDelay().toNanos();
    // Large n overflows to infinity; the cap is the answer then, and min() handles it without a special case.
    return Duration.ofNanos((long) Math.max(0, Math.min(cap, jittered)));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
