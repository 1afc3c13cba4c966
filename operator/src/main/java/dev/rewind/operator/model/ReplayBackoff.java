package dev.rewind.operator.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a Replay whose start (or status read) failed waits before it is tried again: 1 s after the first
 * failure, doubling up to a minute, as long as the failures last (a store restart outlasts any fixed number).
 *
 * <p>The reconciler keeps this itself rather than leaving it to JOSDK's retry: a failed start is reported by the
 * pass its end triggers, and the pass before it (the one that began the call) succeeded, which resets JOSDK's
 * retry count — so every failure would be retried after the first interval, a hot loop for as long as the store
 * is down. Pure: the reconciler holds one per failing Replay and drops it once a start answers.
 *
 * @param failures consecutive failures so far (at least 1)
 * @param retryAt when the next attempt may begin
 */
public record ReplayBackoff(int failures, Instant retryAt) {

  public static final Duration FIRST = Duration.ofSeconds(1);
  public static final Duration LONGEST = Duration.ofMinutes(1);

  public ReplayBackoff {
    if (failures < 1) {
      throw new IllegalArgumentException("a backoff follows at least one failure, not " + failures);
    }
    Objects.requireNonNull(retryAt, "retryAt");
  }

  /** The backoff after one more failure at {@code now}; {@code previous} is null after a success. */
  public static ReplayBackoff after(ReplayBackoff previous, Instant now) {
    int failures = previous == null ? 1 : previous.failures + 1;
    return new ReplayBackoff(failures, now.plus(delay(failures)));
  }

  /** The wait after {@code failures} consecutive failures: 1 s, 2 s, 4 s, ... at most a minute. */
  public static Duration delay(int failures) {
    // 2^6 s is past the cap already; a larger shift would overflow.
    int doublings = Math.min(failures - 1, 6);
    Duration delay = FIRST.multipliedBy(1L << doublings);
    return delay.compareTo(LONGEST) > 0 ? LONGEST : delay;
  }

  /** The wait this backoff began with. */
  public Duration delay() {
    return delay(failures);
  }

  /** How long is left at {@code now}; zero or negative once the next attempt may begin. */
  public Duration remaining(Instant now) {
    return Duration.between(now, retryAt);
  }

  public boolean waiting(Instant now) {
    return now.isBefore(retryAt);
  }
}
