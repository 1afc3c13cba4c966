package dev.rewind.journal.delivery;

import java.time.Duration;

/**
 * How long one attempt may take, and so how long its lease must be; shared by live delivery and replays.
 *
 * <pre>
 *   deadline(timeout) = 2 × timeout + 5 s     the answer's headers, then its body, each within the timeout, plus
 *                                             name resolution; an attempt still running then is recorded as an
 *                                             internal error and its slot freed
 *   lease(timeout)    = max(configured lease, deadline(timeout) + 5 s)
 *                                             so an attempt is never taken over while it can still be recorded
 * </pre>
 */
public final class AttemptDeadlines {

  private AttemptDeadlines() {}

  public static Duration deadline(Duration timeout) {
    return timeout.multipliedBy(2).plusSeconds(5);
  }

  public static Duration lease(Duration configured, Duration longestTimeout) {
    Duration floor = deadline(longestTimeout).plusSeconds(5);
    return floor.compareTo(configured) > 0 ? floor : configured;
  }
}
