package dev.rewind.journal.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One delivery attempt, as journaled.
 *
 * @param trigger initial, retry or replay
 * @param errorClass timeout, connect, dns, tls or http; null when a status code came back
 * @param outcome delivered, the status code, timeout, connect-failure or tls-failure: what retryOn and a replay's
 *     lastOutcome selector match
 * @param responseBody the first bytes of the answer (see {@code DeliveryOptions#responseBodyLimit})
 */
public record AttemptRecord(
    UUID eventId,
    int number,
    String trigger,
    UUID replayId,
    String replayName,
    String worker,
    String destination,
    Instant startedAt,
    double durationMs,
    Integer statusCode,
    String errorClass,
    String error,
    String outcome,
    List<Header> responseHeaders,
    byte[] responseBody) {

  public static final String INITIAL = "initial";
  public static final String RETRY = "retry";
  public static final String REPLAY = "replay";
}
