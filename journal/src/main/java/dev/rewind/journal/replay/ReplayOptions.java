package dev.rewind.journal.replay;

import dev.rewind.journal.delivery.AttemptDeadlines;
import java.time.Duration;

/**
 * How a process runs replays.
 *
 * @param worker this process' identity (the operator pod, or the CLI's host and pid); recorded on every attempt
 *     and owner of its claims
 * @param lease how long a claimed item stays reserved; at least the longest attempt's hard deadline plus 5 s is
 *     used ({@link AttemptDeadlines}), so a slow attempt is not taken over while it still runs. An item claimed by a process that died is
 *     attempted again once its lease ran out.
 * @param pollInterval how often a replay waiting on retries (or on items leased by a process that died) looks for
 *     due items, and notices a cancellation made by another process
 * @param claimBatch most items claimed by one statement
 * @param responseBodyLimit how much of each answer the attempt log keeps
 */
public record ReplayOptions(String worker, Duration lease, Duration pollInterval, int claimBatch,
    int responseBodyLimit) {

  public ReplayOptions {
    if (claimBatch < 1) {
      throw new IllegalArgumentException("claimBatch must be at least 1");
    }
  }

  public static ReplayOptions defaults(String worker) {
    return new ReplayOptions(worker, Duration.ofSeconds(60), Duration.ofMillis(500), 256, 4096);
  }

  /** The lease to take when attempts may last up to {@code longestTimeout}: see {@link AttemptDeadlines}. */
  public Duration leaseFor(Duration longestTimeout) {
    return AttemptDeadlines.lease(lease, longestTimeout);
  }

  /** The hard deadline of one attempt with this timeout: see {@link AttemptDeadlines}. */
  public Duration attemptDeadline(Duration timeout) {
    return AttemptDeadlines.deadline(timeout);
  }
}
