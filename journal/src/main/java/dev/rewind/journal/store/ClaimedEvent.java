package dev.rewind.journal.store;

/**
 * An event a worker has just claimed.
 *
 * @param afterInterruption its previous attempt was interrupted (its worker stopped before recording an outcome,
 *     and the claim recorded that attempt as interrupted): the policy may already be used up
 */
public record ClaimedEvent(StoredEvent event, boolean afterInterruption) {}
