package dev.rewind.journal.store;

import java.util.UUID;

/**
 * The result of journaling one event.
 *
 * @param duplicate the route already held this very event (same source, id and body); {@code id} is that event's,
 *     nothing new was stored, and the caller must not deliver it again
 * @param claimed this worker holds the lease of the new event and must attempt it now (attempt 1)
 * @param refusal why the event was not accepted (the same source and id on the route with a different body), or
 *     null; a refused event is not stored and must be answered as an error, never as a duplicate
 */
public record Appended(UUID id, boolean duplicate, boolean claimed, long leaseToken, String refusal) {

  public static Appended stored(UUID id, boolean claimed, long leaseToken) {
    return new Appended(id, false, claimed, leaseToken, null);
  }

  public static Appended duplicate(UUID existing) {
    return new Appended(existing, true, false, 0, null);
  }

  public static Appended refused(String why) {
    return new Appended(null, false, false, 0, why);
  }

  public boolean refused() {
    return refusal != null;
  }
}
