package dev.rewind.journal.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewind.api.v1alpha1.common.ValueSource;
import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.journal.store.Header;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Reads an event's id, correlation id and type from a captured request, as its Route says: a header or a JSON
 * pointer into the body. Without configuration, CloudEvents are understood in both modes: binary (ce-id, ce-type
 * headers) and structured (an application/cloudevents+json body with id and type).
 *
 * @param eventId null when the request carries none: the journal generates one
 * @param eventSource the CloudEvents source (ce-source, or source in a structured body) when the id is a
 *     CloudEvents id, else null: per the CloudEvents specification, source and id together identify an event
 */
public record EventAttributes(String eventId, String eventSource, String correlationId, String eventType) {

  /** Longest value kept; replay selectors accept ids up to this length. */
  public static final int MAX_LENGTH = 256;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A value the route points at exists but cannot be used; the capture is refused with this message. */
  public static final class InvalidAttribute extends RuntimeException {
    public InvalidAttribute(String message) {
      super(message);
    }
  }

  public static EventAttributes extract(RouteSpec route, List<Header> headers, byte[] body) {
    Body parsed = new Body(headers, body);
    String id = route.getEventId() != null
        ? read("eventId", route.getEventId(), headers, parsed)
        : cloudEvent("ce-id", "/id", headers, parsed);
    String source = route.getEventId() == null && id != null ? cloudEvent("ce-source", "/source", headers, parsed)
        : null;
    String correlation = route.getCorrelationId() != null
        ? read("correlationId", route.getCorrelationId(), headers, parsed)
        : null;
    String type = route.getEventType() != null
        ? read("eventType", route.getEventType(), headers, parsed)
        : cloudEvent("ce-type", "/type", headers, parsed);
    return new EventAttributes(id, source, correlation, type);
  }

  private static String cloudEvent(String header, String pointer, List<Header> headers, Body body) {
    String value = Header.first(headers, header);
    if (value == null && body.isStructuredCloudEvent()) {
      value = body.at(pointer);
    }
    return check("CloudEvents " + pointer.substring(1), value);
  }

  private static String read(String field, ValueSource source, List<Header> headers, Body body) {
    String value = source.getHeader() != null
        ? Header.first(headers, source.getHeader())
        : body.at(source.getJsonPointer());
    String origin = source.getHeader() != null ? "header " + source.getHeader() : "body " + source.getJsonPointer();
    return check(field + " (" + origin + ")", value);
  }

  private static String check(String what, String value) {
    if (value == null) {
      return null;
    }
    String trimmed = value.trim();
    if (trimmed.isEmpty()) {
      return null;
    }
    if (trimmed.length() > MAX_LENGTH) {
      throw new InvalidAttribute(what + " is " + trimmed.length() + " characters long; at most " + MAX_LENGTH
          + " are kept");
    }
    return trimmed;
  }

  /** The body, parsed as JSON at most once and only if a pointer needs it. */
  private static final class Body {
    private final List<Header> headers;
    private final byte[] bytes;
    private JsonNode json;
    private boolean parsed;

    Body(List<Header> headers, byte[] bytes) {
      this.headers = headers;
      this.bytes = bytes;
    }

    boolean isStructuredCloudEvent() {
      String type = Header.first(headers, "content-type");
      return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/cloudevents+json");
    }

    String at(String pointer) {
      if (!parsed) {
        parsed = true;
        try {
          json = bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
          json = null;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      if (json == null) {
        return null;
      }
      JsonNode node = json.at(pointer);
      return node.isTextual() || node.isNumber() ? node.asText() : null;
    }
  }
}
