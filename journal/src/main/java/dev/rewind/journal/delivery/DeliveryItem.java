package dev.rewind.journal.delivery;

import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.NewEvent;
import dev.rewind.journal.store.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An event a worker holds the lease of and is about to attempt.
 *
 * @param attempt the number of this attempt (1 for the first)
 * @param leaseToken the token of the lease; the outcome is applied only while it still matches
 * @param afterInterruption the previous attempt was interrupted: if it used up the policy, this one is not made
 */
public record DeliveryItem(
    UUID id,
    String namespace,
    String route,
    String eventId,
    String method,
    String url,
    String pathSuffix,
    List<Header> headers,
    byte[] body,
    Instant receivedAt,
    int attempt,
    long leaseToken,
    boolean afterInterruption) {

  public static DeliveryItem of(NewEvent e, int attempt, long leaseToken) {
    return new DeliveryItem(e.id(), e.namespace(), e.route(), e.eventId(), e.method(), e.url(), e.pathSuffix(),
        e.headers(), e.body(), e.receivedAt(), attempt, leaseToken, false);
  }

  public static DeliveryItem of(StoredEvent e) {
    return of(e, false);
  }

  public static DeliveryItem of(StoredEvent e, boolean afterInterruption) {
    return new DeliveryItem(e.id(), e.namespace(), e.route(), e.eventId(), e.method(), e.url(), e.pathSuffix(),
        e.headers(), e.body(), e.receivedAt(), e.attempts(), e.leaseToken(), afterInterruption);
  }
}
