package dev.rewind.sidecar.admin;

import dev.rewind.api.time.Durations;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.OrderStory;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.StoredEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The JSON shapes of the trace and query API, built field by field: absent values are left out, times are
 * RFC 3339, a body is text when it is UTF-8 and base64 otherwise ({@code encoding} says which).
 */
final class Views {

  private Views() {}

  static JsonObject body(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
      return new JsonObject().put("encoding", "utf-8").put("data", text).put("size", bytes.length);
    } catch (CharacterCodingException e) {
      return new JsonObject().put("encoding", "base64").put("data", Base64.getEncoder().encodeToString(bytes))
          .put("size", bytes.length);
    }
  }

  static JsonObject summary(StoredEvent e) {
    JsonObject json = new JsonObject();
    put(json, "id", e.id().toString());
    put(json, "eventId", e.eventId());
    put(json, "route", e.route());
    put(json, "state", e.state().wireName());
    json.put("attempts", e.attempts());
    put(json, "lastOutcome", e.lastOutcome());
    put(json, "correlationId", e.correlationId());
    put(json, "type", e.eventType());
    put(json, "receivedAt", e.receivedAt());
    put(json, "nextAttemptAt", e.nextAttemptAt());
    put(json, "completedAt", e.completedAt());
    return json;
  }

  static JsonObject attempt(AttemptRecord a) {
    JsonObject json = new JsonObject().put("number", a.number());
    put(json, "trigger", a.trigger());
    put(json, "replay", a.replayName());
    put(json, "worker", a.worker());
    put(json, "destination", a.destination());
    put(json, "startedAt", a.startedAt());
    json.put("durationMs", a.durationMs());
    put(json, "statusCode", a.statusCode());
    put(json, "errorClass", a.errorClass());
    put(json, "error", a.error());
    put(json, "outcome", a.outcome());
    put(json, "responseHeaders", pairs(a.responseHeaders()));
    put(json, "responseBody", body(a.responseBody()));
    return json;
  }

  static JsonObject trace(EventTrace trace) {
    StoredEvent e = trace.event();
    JsonObject json = summary(e);
    put(json, "namespace", e.namespace());
    json.put("routeGeneration", e.routeGeneration());
    put(json, "senderWorkload", e.senderWorkload());
    put(json, "senderPod", e.senderPod());
    if (trace.sender() != null) {
      // The pod's labels as its sidecar last recorded them; absent when the journal has no record of the pod.
      json.put("senderLabels", new JsonObject(new LinkedHashMap<>(trace.sender().labels())));
    }
    put(json, "method", e.method());
    put(json, "url", e.url());
    put(json, "headers", pairs(e.headers()));
    put(json, "body", body(e.body()));
    if (trace.hold() != null) {
      // What keeps it from being attempted now: the route paused, the destination held, its breaker open.
      JsonObject hold = new JsonObject().put("kind", trace.hold().kind());
      put(hold, "destination", trace.hold().destination());
      put(hold, "since", trace.hold().since() == null ? null : trace.hold().since().toString());
      put(hold, "reason", trace.hold().reason());
      json.put("hold", hold.put("message", trace.hold().describe()));
    }
    JsonArray log = new JsonArray();
    trace.attempts().forEach(a -> log.add(attempt(a)));
    return json.put("attemptLog", log);
  }

  /**
   * One order's story: its events, oldest first, each with its hop (when it is on the flow's) and its attempts as a
   * trace shows them; with a flow, its hops, which of them were not read, and where the order stands.
   */
  static JsonObject story(OrderStory story, String namespace, String flowName) {
    JsonObject json = new JsonObject().put("correlationId", story.correlationId()).put("namespace", namespace);
    story.flow().ifPresent(flow -> {
      JsonArray hops = new JsonArray();
      JsonArray unread = new JsonArray();
      for (int k = 0; k < flow.hops().size(); k++) {
        JsonObject hop = hop(flow, k).put("read", story.read(k));
        if (story.read(k)) {
          hop.put("events", story.at(k).size());
        } else {
          unread.add(hop(flow, k));
        }
        hops.add(hop);
      }
      json.put("flow", new JsonObject().put("name", flowName).put("within", Durations.format(flow.within()))
          .put("hops", hops));
      json.put("unreadHops", unread);
      story.progress().ifPresent(p -> json.put("progress", hop(flow, p.hop()).put("state", p.state().wireName())
          .put("since", p.since().toString()).put("conclusive", story.conclusive())));
    });
    JsonArray events = new JsonArray();
    for (OrderStory.Event told : story.events()) {
      JsonObject event = summary(told.event()).put("namespace", told.event().namespace());
      told.hop().ifPresent(hop -> event.put("hop", hop));
      JsonArray log = new JsonArray();
      told.attempts().forEach(a -> log.add(attempt(a)));
      events.add(event.put("attemptLog", log));
    }
    json.put("events", events);
    return json.put("truncated", !story.truncated().isEmpty());
  }

  private static JsonObject hop(FlowHops flow, int k) {
    return new JsonObject().put("hop", k).put("namespace", flow.hops().get(k).namespace())
        .put("route", flow.hops().get(k).route());
  }

  static JsonArray pairs(List<Header> headers) {
    if (headers == null) {
      return null;
    }
    JsonArray pairs = new JsonArray();
    headers.forEach(h -> pairs.add(new JsonArray().add(h.name()).add(h.value())));
    return pairs;
  }

  private static void put(JsonObject json, String key, Object value) {
    if (value instanceof Instant instant) {
      json.put(key, instant.toString());
    } else if (value != null) {
      json.put(key, value);
    }
  }
}
