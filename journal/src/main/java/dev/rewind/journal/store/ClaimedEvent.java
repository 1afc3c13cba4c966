package dev.rewind.journal.store;

/**
 * An event a worker has just claimed.
 *
 * @param afterInterruption its previous attempt was interrupted (its worker stopped before recording an outcome,
 *     and the claim recorded that attempt as interrupted): the policy may already be used up
 * @param uncountedAttempts attempts made that do not count against the policy (circuit breaker probes, attempts
 *     that ended while the destination's breaker was open)
 */
public record ClaimedEvent(StoredEvent event, boolean afterInterruption, int uncountedAttempts) {

  public ClaimedEvent(StoredEvent event, boolean afterInterruption) {
    this(event, afterInterruption, 0);
  }
}
