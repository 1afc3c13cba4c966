package dev.rewind.sidecar.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.StoredEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** The JSON shapes of the trace and query API. */
final class Views {

  private Views() {}

  /** A body as text when it is UTF-8, else base64; {@code encoding} says which. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Body(String encoding, String data, int size) {

    static Body of(byte[] bytes) {
      if (bytes == null) {
        return null;
      }
      try {
        String text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString();
        return new Body("utf-8", text, bytes.length);
      } catch (CharacterCodingException e) {
        return new Body("base64", Base64.getEncoder().encodeToString(bytes), bytes.length);
      }
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Summary(String id, String eventId, String route, String state, int attempts, String lastOutcome,
      String correlationId, String type, Instant receivedAt, Instant nextAttemptAt, Instant completedAt) {

    static Summary of(StoredEvent e) {
      return new Summary(e.id().toString(), e.eventId(), e.route(), e.state().wireName(), e.attempts(),
          e.lastOutcome(), e.correlationId(), e.eventType(), e.receivedAt(), e.nextAttemptAt(), e.completedAt());
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Attempt(int number, String trigger, String replay, String worker, String destination, Instant startedAt,
      double durationMs, Integer statusCode, String errorClass, String error, String outcome,
      List<List<String>> responseHeaders, Body responseBody) {

    static Attempt of(AttemptRecord a) {
      return new Attempt(a.number(), a.trigger(), a.replayName(), a.worker(), a.destination(), a.startedAt(),
          a.durationMs(), a.statusCode(), a.errorClass(), a.error(), a.outcome(), pairs(a.responseHeaders()),
          Body.of(a.responseBody()));
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Trace(String id, String eventId, String namespace, String route, long routeGeneration, String state,
      int attempts, String lastOutcome, String correlationId, String type, String senderWorkload,
      String senderPod, String method, String url, Instant receivedAt, Instant nextAttemptAt,
      Instant completedAt, List<List<String>> headers, Body body, List<Attempt> attemptLog) {

    static Trace of(StoredEvent e, List<AttemptRecord> attempts) {
      return new Trace(e.id().toString(), e.eventId(), e.namespace(), e.route(), e.routeGeneration(),
          e.state().wireName(), e.attempts(), e.lastOutcome(), e.correlationId(), e.eventType(),
          e.senderWorkload(), e.senderPod(), e.method(), e.url(), e.receivedAt(), e.nextAttemptAt(),
          e.completedAt(), pairs(e.headers()), Body.of(e.body()), attempts.stream().map(Attempt::of).toList());
    }
  }

  record Page(List<Summary> events, String next) {}

  static List<List<String>> pairs(List<Header> headers) {
    return headers == null ? null : headers.stream().map(h -> List.of(h.name(), h.value())).toList();
  }
}
