package dev.rewind.journal.replay;

import dev.rewind.journal.delivery.DeliveryItem;
import dev.rewind.journal.store.Header;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An item of a replay this process holds the lease of, with its event as journaled.
 *
 * @param id the event's Rewind id
 * @param eventAttempt the number of this attempt among all of the event's attempts (live and replays)
 * @param itemAttempts attempts this replay has made of the event, this one included: what its policy counts
 * @param itemToken the item's fencing token; the outcome is applied only while it still matches
 */
record ClaimedItem(
    UUID id,
    String route,
    String eventId,
    String method,
    String url,
    String pathSuffix,
    List<Header> headers,
    byte[] body,
    Instant receivedAt,
    int eventAttempt,
    int itemAttempts,
    long itemToken) {

  DeliveryItem toDeliveryItem(String namespace) {
    return new DeliveryItem(id, namespace, route, eventId, method, url, pathSuffix, headers, body, receivedAt,
        eventAttempt, itemToken);
  }
}
