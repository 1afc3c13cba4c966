package dev.rewind.journal.replay;

import java.util.function.LongSupplier;

/**
 * A token bucket: a replay's rateLimit, in events started per second. Tokens accrue at {@code ratePerSecond} up
 * to {@code capacity}; starting an attempt takes one. Pure: time comes from the given nanosecond clock, so it is
 * tested with a fake one.
 *
 * <p>Kept as the time the bucket will next be full minus one token (the "theoretical arrival time" of the generic
 * cell rate algorithm) rather than as a fractional token count, so the arithmetic is exact integers: over any
 * interval of t seconds at most {@code capacity + rate × t} attempts start, however often it is asked.
 *
 * <p>The replay runner uses a tenth of a second's worth as capacity ({@link #forRate}): a destination that has just
 * recovered sees an even trickle, not a whole second's events at once.
 */
public final class TokenBucket {

  private static final double NANOS_PER_SECOND = 1_000_000_000d;

  private final long interval;
  private final long burst;
  private final LongSupplier nanoClock;
  private long tat;

  /**
   * @param ratePerSecond tokens added per second (&gt; 0)
   * @param capacity most tokens held (≥ 1); the bucket starts full
   * @param nanoClock a monotonic clock in nanoseconds, like {@link System#nanoTime()}
   */
  public TokenBucket(double ratePerSecond, long capacity, LongSupplier nanoClock) {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive, got " + ratePerSecond);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.interval = Math.max(1, Math.round(NANOS_PER_SECOND / ratePerSecond));
    this.burst = (capacity - 1) * interval;
    this.nanoClock = nanoClock;
    this.tat = nanoClock.getAsLong();
  }

  /** The bucket for a replay's rateLimit: a tenth of a second's worth of burst, at least one. */
  public static TokenBucket forRate(int eventsPerSecond, LongSupplier nanoClock) {
    return new TokenBucket(eventsPerSecond, Math.max(1, (long) Math.ceil(eventsPerSecond / 10.0)), nanoClock);
  }

  /** Takes a token if one is available now. */
  public synchronized boolean tryAcquire() {
    long now = nanoClock.getAsLong();
    long start = Math.max(tat, now);
    if (start - now > burst) {
      return false;
    }
    tat = start + interval;
    return true;
  }

  /** How long until a token is available: 0 when one is available now. */
  public synchronized long nanosUntilAvailable() {
    long now = nanoClock.getAsLong();
    return Math.max(0, Math.max(tat, now) - now - burst);
  }

  /** Whole tokens available now (how many attempts could start at once). */
  public synchronized long available() {
    long now = nanoClock.getAsLong();
    long room = burst - (Math.max(tat, now) - now);
    return room < 0 ? 0 : room / interval + 1;
  }
}
