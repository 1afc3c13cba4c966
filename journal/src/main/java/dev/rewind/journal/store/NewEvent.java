package dev.rewind.journal.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A captured request about to be journaled.
 *
 * @param eventId the id every attempt carries: the source's own id when the route says where it is, else
 *     {@code id} as text
 * @param eventSource the CloudEvents source the id belongs to, or null when the id is not a CloudEvents id: the
 *     journal keeps one event per route, source and id
 * @param url the destination URL at capture time (route destination plus capture suffix)
 */
public record NewEvent(
    UUID id,
    String namespace,
    String route,
    long routeGeneration,
    String eventId,
    String eventSource,
    String correlationId,
    String eventType,
    String senderWorkload,
    String senderPod,
    String method,
    String url,
    String pathSuffix,
    List<Header> headers,
    byte[] body,
    Instant receivedAt) {}
