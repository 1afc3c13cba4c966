package dev.rewind.api.time;

import java.time.Duration;

/**
 * The bounds of each duration field, in one place: the CRDs' CEL rules are built from these constants (so their
 * messages name the field and the bound) and {@link #check} applies the same bounds in Java, for objects that
 * bypassed admission or were stored before a bound existed.
 *
 * <p>Why these bounds: an attempt that needs more than an hour is a hung connection, not a slow answer; a backoff
 * delay over a day leaves an event parked where nobody looks; retrying for more than 30 days delivers news nobody
 * waits for any more; a replay window reaching back ten years covers any journal. Each bound is also far inside
 * what CEL's int64-nanosecond durations can hold.
 */
public final class DurationLimits {

  /** RetryPolicy timeout: more than 0s, at most this. */
  public static final String TIMEOUT_MAX = "1h";
  /** RetryPolicy backoff.initialDelay and backoff.maxDelay: at most this. */
  public static final String BACKOFF_DELAY_MAX = "24h";
  /** RetryPolicy maxAge: at most this, and at least timeout. */
  public static final String MAX_AGE_MAX = "720h";
  /** Replay since and until, when written as durations: at most this far back. */
  public static final String AGO_MAX = "87600h";
  /** Flow within: more than 0s, at most this; beyond a day an order is not late, it is lost. */
  public static final String WITHIN_MAX = "24h";
  /** Flow lookback: more than 0s, at most this (the journal's default retention of dead events). */
  public static final String LOOKBACK_MAX = "720h";

  public static final String TIMEOUT_RULE = "!" + Durations.SELF_MATCHES
      + " || (duration(self) > duration('0s') && duration(self) <= duration('" + TIMEOUT_MAX + "'))";
  public static final String TIMEOUT_MESSAGE = "timeout must be more than 0s and at most " + TIMEOUT_MAX;

  public static final String BACKOFF_DELAY_RULE = "!" + Durations.SELF_MATCHES
      + " || duration(self) <= duration('" + BACKOFF_DELAY_MAX + "')";
  public static final String INITIAL_DELAY_MESSAGE = "backoff.initialDelay must be at most " + BACKOFF_DELAY_MAX;
  public static final String MAX_DELAY_MESSAGE = "backoff.maxDelay must be at most " + BACKOFF_DELAY_MAX;

  public static final String MAX_AGE_RULE = "!" + Durations.SELF_MATCHES
      + " || duration(self) <= duration('" + MAX_AGE_MAX + "')";
  public static final String MAX_AGE_MESSAGE = "maxAge must be at most " + MAX_AGE_MAX;
  public static final String MAX_AGE_AT_LEAST_TIMEOUT_MESSAGE =
      "maxAge must be at least timeout, or no attempt could complete";

  /** A timestamp (it holds a t or T) has no bound here; a duration is at most {@link #AGO_MAX}. */
  public static final String AGO_RULE = "!" + Durations.SELF_MATCHES
      + " || duration(self) <= duration('" + AGO_MAX + "')";
  public static final String SINCE_MESSAGE = "since, as a duration, must be at most " + AGO_MAX + " (10 years)";
  public static final String UNTIL_MESSAGE = "until, as a duration, must be at most " + AGO_MAX + " (10 years)";

  public static final String WITHIN_RULE = "!" + Durations.SELF_MATCHES
      + " || (duration(self) > duration('0s') && duration(self) <= duration('" + WITHIN_MAX + "'))";
  public static final String WITHIN_MESSAGE = "within must be more than 0s and at most " + WITHIN_MAX;
  public static final String LOOKBACK_RULE = "!" + Durations.SELF_MATCHES
      + " || (duration(self) > duration('0s') && duration(self) <= duration('" + LOOKBACK_MAX + "'))";
  public static final String LOOKBACK_MESSAGE = "lookback must be more than 0s and at most " + LOOKBACK_MAX;

  private DurationLimits() {}

  /** A duration field's bounds: {@code min} (exclusive when {@code minExclusive}) and {@code max} (inclusive). */
  public record Bound(Duration min, boolean minExclusive, Duration max, String message) {

    /** The problem with {@code value}, or null when it is within the bound. */
    public String problem(Duration value) {
      boolean tooSmall = minExclusive ? value.compareTo(min) <= 0 : value.compareTo(min) < 0;
      if (tooSmall || value.compareTo(max) > 0) {
        return message + ", not " + Durations.format(value);
      }
      return null;
    }
  }

  public static final Bound TIMEOUT = new Bound(Duration.ZERO, true, Durations.parse(TIMEOUT_MAX), TIMEOUT_MESSAGE);
  public static final Bound INITIAL_DELAY =
      new Bound(Duration.ZERO, false, Durations.parse(BACKOFF_DELAY_MAX), INITIAL_DELAY_MESSAGE);
  public static final Bound MAX_DELAY =
      new Bound(Duration.ZERO, false, Durations.parse(BACKOFF_DELAY_MAX), MAX_DELAY_MESSAGE);
  public static final Bound MAX_AGE = new Bound(Duration.ZERO, false, Durations.parse(MAX_AGE_MAX), MAX_AGE_MESSAGE);
  public static final Bound SINCE = new Bound(Duration.ZERO, false, Durations.parse(AGO_MAX), SINCE_MESSAGE);
  public static final Bound UNTIL = new Bound(Duration.ZERO, false, Durations.parse(AGO_MAX), UNTIL_MESSAGE);
  public static final Bound WITHIN = new Bound(Duration.ZERO, true, Durations.parse(WITHIN_MAX), WITHIN_MESSAGE);
  public static final Bound LOOKBACK =
      new Bound(Duration.ZERO, true, Durations.parse(LOOKBACK_MAX), LOOKBACK_MESSAGE);

  /**
   * Parses a duration field and checks its bound.
   *
   * @param field the field's name as the user wrote it, for the message ({@code timeout}, {@code backoff.maxDelay})
   * @return the problem, naming the field, or null when the value parses and is within the bound
   */
  public static String check(String field, String text, Bound bound) {
    if (!Durations.isDuration(text)) {
      return field + ": \"" + text + "\" is not a duration: write " + Durations.SYNTAX;
    }
    return bound.problem(Durations.parse(text));
  }
}
