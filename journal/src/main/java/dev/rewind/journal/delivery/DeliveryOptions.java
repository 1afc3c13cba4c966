package dev.rewind.journal.delivery;

import java.time.Duration;

/**
 * How a worker delivers.
 *
 * @param worker this worker's identity (the pod name in a cluster); it owns its leases, and a restarted worker
 *     with the same identity takes its unfinished events back at once
 * @param concurrency most attempts in flight at once
 * @param lease how long a claimed event stays reserved for this worker; at least the longest attempt's hard deadline
 *     plus 5 s is used ({@link AttemptDeadlines}), so a slow attempt is not taken over while still running
 * @param pollInterval how often due retries and orphaned leases are looked for when nothing else wakes the poller
 * @param responseBodyLimit how much of each answer the attempt log keeps
 * @param memoryBudget most bytes of event bodies held in memory for delivery at once; beyond it new events stay
 *     in the store until there is room, so a burst of large events cannot exhaust a small sidecar heap
 * @param overdueBy claim only events due at least this long ago: zero for a route's sidecars, who deliver what
 *     falls due; the operator's takeover of events no sidecar delivers waits this long
 */
public record DeliveryOptions(
    String worker, int concurrency, Duration lease, Duration pollInterval, int responseBodyLimit,
    long memoryBudget, Duration overdueBy) {

  public static final long DEFAULT_MEMORY_BUDGET = 8L * 1024 * 1024;

  /** A sidecar's: what falls due is claimed at once. */
  public DeliveryOptions(String worker, int concurrency, Duration lease, Duration pollInterval,
      int responseBodyLimit, long memoryBudget) {
    this(worker, concurrency, lease, pollInterval, responseBodyLimit, memoryBudget, Duration.ZERO);
  }

  public DeliveryOptions(String worker, int concurrency, Duration lease, Duration pollInterval,
      int responseBodyLimit) {
    this(worker, concurrency, lease, pollInterval, responseBodyLimit, DEFAULT_MEMORY_BUDGET);
  }

  public static DeliveryOptions defaults(String worker) {
    return new DeliveryOptions(worker, 64, Duration.ofSeconds(60), Duration.ofMillis(500), 4096);
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
