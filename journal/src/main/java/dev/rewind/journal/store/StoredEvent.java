package dev.rewind.journal.store;

import dev.rewind.api.v1alpha1.common.EventState;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A journaled event as read back from the store. */
public record StoredEvent(
    UUID id,
    String namespace,
    String route,
    long routeGeneration,
    String eventId,
    String correlationId,
    String eventType,
    String senderWorkload,
    String senderPod,
    String method,
    String url,
    String pathSuffix,
    List<Header> headers,
    byte[] body,
    Instant receivedAt,
    EventState state,
    int attempts,
    Instant nextAttemptAt,
    String leaseOwner,
    long leaseToken,
    String lastOutcome,
    Instant lastAttemptAt,
    Instant completedAt) {}
