package dev.rewind.journal.store;

import java.time.Instant;

/**
 * A destination's circuit breaker as stored ({@code rewind.breakers}), read together with the store's clock so a
 * worker can tell how long ago something happened without trusting its own clock.
 *
 * @param state closed, open, half_open or draining
 * @param holdReason set by another writer (the operator) to hold the destination whatever the state
 * @param storeNow the store's {@code now()} when the row was read
 */
public record BreakerRow(String destination, String state, Instant openedAt, long openForMs, String probeOwner,
    Instant probeUntil, String openedBy, String lastFailure, String holdReason, Instant storeNow) {

  public static BreakerRow closed(String destination) {
    return new BreakerRow(destination, "closed", null, 0, null, null, null, null, null, null);
  }
}
