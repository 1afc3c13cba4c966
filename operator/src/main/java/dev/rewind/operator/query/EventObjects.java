package dev.rewind.operator.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventHold;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.StoredEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

/**
 * Journaled events as the query API's objects: {@code JournalEvent} (with its attempt log when read one by one),
 * {@code JournalEventBody} and the events of an {@code Order}. Nulls are left out. Pure.
 */
public final class EventObjects {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private EventObjects() {}

  /**
   * One JournalEvent read by name: its status carries the attempt log and, while something keeps it from being
   * attempted, {@code hold} (what, since when, why, and a sentence for people).
   */
  public static ObjectNode event(EventTrace trace) {
    ObjectNode object = event(trace.event(), trace.attempts());
    EventHold hold = trace.hold();
    if (hold != null) {
      ObjectNode h = ((ObjectNode) object.get("status")).putObject("hold");
      put(h, "kind", hold.kind());
      put(h, "destination", hold.destination());
      put(h, "since", timestamp(hold.since()));
      put(h, "reason", hold.reason());
      put(h, "message", hold.describe());
    }
    return object;
  }

  /** A JournalEvent; with {@code attempts} (not null) its status carries the attempt log. */
  public static ObjectNode event(StoredEvent event, List<AttemptRecord> attempts) {
    ObjectNode object = JSON.objectNode().put("apiVersion", ApiDiscovery.GROUP_VERSION).put("kind", "JournalEvent");
    object.set("metadata", metadata(event));
    ObjectNode spec = object.putObject("spec");
    put(spec, "route", event.route());
    put(spec, "type", event.eventType());
    put(spec, "correlationId", event.correlationId());
    put(spec, "sourceId", event.eventId());
    if (event.senderWorkload() != null || event.senderPod() != null) {
      ObjectNode sender = spec.putObject("sender");
      put(sender, "workload", event.senderWorkload());
      put(sender, "pod", event.senderPod());
    }
    put(spec, "method", event.method());
    put(spec, "url", event.url());
    ObjectNode status = object.putObject("status");
    put(status, "state", event.state() == null ? null : event.state().wireName());
    status.put("attempts", event.attempts());
    put(status, "lastOutcome", event.lastOutcome());
    Integer lastStatusCode = lastStatusCode(event, attempts);
    if (lastStatusCode != null) {
      status.put("lastStatusCode", lastStatusCode);
    }
    put(status, "nextAttemptAt", timestamp(event.nextAttemptAt()));
    put(status, "completedAt", timestamp(event.completedAt()));
    if (attempts != null) {
      ArrayNode log = status.putArray("attemptLog");
      attempts.forEach(a -> log.add(attempt(a)));
    }
    return object;
  }

  /** The metadata of an event's objects: name and uid its Rewind id, created when it was captured. */
  public static ObjectNode metadata(StoredEvent event) {
    ObjectNode metadata = JSON.objectNode().put("name", event.id().toString())
        .put("namespace", event.namespace()).put("uid", event.id().toString());
    put(metadata, "creationTimestamp", creationTimestamp(event.receivedAt()));
    return metadata;
  }

  /** PartialObjectMetadata, what a Table row carries by default. */
  public static ObjectNode partialMetadata(StoredEvent event) {
    ObjectNode object = JSON.objectNode().put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
    object.set("metadata", metadata(event));
    return object;
  }

  /** The code of the last answer: from the attempt log, or in a listing from the last outcome when it is one. */
  static Integer lastStatusCode(StoredEvent event, List<AttemptRecord> attempts) {
    if (attempts != null && !attempts.isEmpty()) {
      return attempts.get(attempts.size() - 1).statusCode();
    }
    String outcome = event.lastOutcome();
    if (outcome != null && outcome.matches("[1-5][0-9][0-9]")) {
      return Integer.parseInt(outcome);
    }
    return null;
  }

  static ObjectNode attempt(AttemptRecord a) {
    ObjectNode attempt = JSON.objectNode().put("number", a.number());
    put(attempt, "trigger", a.trigger());
    put(attempt, "replay", a.replayName());
    put(attempt, "outcome", a.outcome());
    if (a.statusCode() != null) {
      attempt.put("statusCode", a.statusCode());
    }
    attempt.put("durationMs", a.durationMs());
    put(attempt, "startedAt", timestamp(a.startedAt()));
    put(attempt, "destination", a.destination());
    put(attempt, "error", a.error());
    return attempt;
  }

  /** A JournalEventBody: the request as captured and, per attempt, the start of the answer the journal kept. */
  public static ObjectNode body(StoredEvent event, List<AttemptRecord> attempts) {
    ObjectNode object = JSON.objectNode().put("apiVersion", ApiDiscovery.GROUP_VERSION)
        .put("kind", "JournalEventBody");
    object.set("metadata", metadata(event));
    ObjectNode request = object.putObject("request");
    put(request, "method", event.method());
    put(request, "url", event.url());
    request.set("headers", headers(event.headers()));
    content(request, event.body());
    ArrayNode responses = object.putArray("responses");
    for (AttemptRecord a : attempts) {
      boolean hasHeaders = a.responseHeaders() != null && !a.responseHeaders().isEmpty();
      if (a.responseBody() == null && !hasHeaders) {
        continue;
      }
      ObjectNode response = responses.addObject().put("attempt", a.number());
      if (a.statusCode() != null) {
        response.put("statusCode", a.statusCode());
      }
      if (hasHeaders) {
        response.set("headers", headers(a.responseHeaders()));
      }
      if (a.responseBody() != null) {
        content(response, a.responseBody());
      }
    }
    return object;
  }

  private static ArrayNode headers(List<Header> headers) {
    ArrayNode list = JSON.arrayNode();
    headers.forEach(h -> list.addObject().put("name", h.name()).put("value", h.value()));
    return list;
  }

  /** {@code body} as text when it is UTF-8 without control characters but line breaks and tabs, else base64. */
  static void content(ObjectNode target, byte[] body) {
    if (body == null) {
      return;
    }
    String text = text(body);
    if (text != null) {
      target.put("body", text);
    } else {
      target.put("body", Base64.getEncoder().encodeToString(body)).put("encoding", "base64");
    }
  }

  static String text(byte[] body) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f) {
        return null;
      }
    }
    return text;
  }

  /** RFC 3339 in UTC with the milliseconds the journal keeps; null stays null. */
  static String timestamp(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** Kubernetes' metadata times are whole seconds. */
  static String creationTimestamp(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static void put(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
