package dev.rewind.journal.delivery;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.api.v1alpha1.route.spec.KafkaDestinations;
import dev.rewind.journal.capture.EventAttributes;
import dev.rewind.journal.store.Header;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The record one attempt writes: the captured body byte-exact as the value, the key the destination asks for, and
 * headers naming the event. Pure.
 *
 * <p>Headers: {@code Rewind-Event-Id} (the journal's id of the event, as HTTP attempts carry it: the consumer's
 * dedup key), {@code Rewind-Attempt}, {@code Rewind-Replay} (replays only), {@code Rewind-Source-Event-Id},
 * {@code Rewind-Event-Type} and {@code Rewind-Correlation-Id} when the Route extracts them, and the captured
 * {@code Content-Type}. The type and correlation id are extracted again from the captured request with the
 * Route's rules, which is what capture did: the same request and rules give the same values.
 */
public final class KafkaRecords {

  public static final String EVENT_TYPE_HEADER = "Rewind-Event-Type";
  public static final String CORRELATION_ID_HEADER = "Rewind-Correlation-Id";
  public static final String SOURCE_EVENT_ID_HEADER = "Rewind-Source-Event-Id";

  private static final ObjectMapper JSON = new ObjectMapper();

  private KafkaRecords() {}

  /** @param key eventId, correlationId or a JSON pointer; null means eventId */
  public static ProducerRecord<byte[], byte[]> record(DeliveryItem item, RouteSpec route, String topic, String key,
      String replayName) {
    EventAttributes attributes = attributes(route, item);
    String type = attributes == null ? null : attributes.eventType();
    String correlation = attributes == null ? null : attributes.correlationId();
    List<org.apache.kafka.common.header.Header> headers = new ArrayList<>();
    add(headers, AttemptRunner.EVENT_ID_HEADER, item.id().toString());
    add(headers, AttemptRunner.ATTEMPT_HEADER, Integer.toString(item.attempt()));
    add(headers, AttemptRunner.REPLAY_HEADER, replayName);
    add(headers, SOURCE_EVENT_ID_HEADER, item.eventId());
    add(headers, EVENT_TYPE_HEADER, type);
    add(headers, CORRELATION_ID_HEADER, correlation);
    for (Header h : item.headers()) {
      if (h.is("content-type")) {
        add(headers, "Content-Type", h.value());
      }
    }
    String keyValue = key(key, item, correlation);
    return new ProducerRecord<>(topic, null, keyValue == null ? null : keyValue.getBytes(StandardCharsets.UTF_8),
        item.body(), headers);
  }

  static String key(String key, DeliveryItem item, String correlationId) {
    if (key == null || key.equals(KafkaDestinations.EVENT_ID)) {
      return item.eventId();
    }
    if (key.equals(KafkaDestinations.CORRELATION_ID)) {
      return correlationId;
    }
    return pointer(item.body(), key);
  }

  /** The string or number at {@code pointer} in a JSON body; null when the body is not JSON or has none there. */
  static String pointer(byte[] body, String pointer) {
    try {
      JsonNode node = JSON.readTree(body).at(JsonPointer.compile(pointer));
      return node.isTextual() || node.isNumber() ? node.asText() : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static EventAttributes attributes(RouteSpec route, DeliveryItem item) {
    try {
      return EventAttributes.extract(route, item.headers(), item.body());
    } catch (RuntimeException e) {
      // An attribute capture accepted and the Route's rules have since changed: the record goes without it.
      return null;
    }
  }

  private static void add(List<org.apache.kafka.common.header.Header> headers, String name, String value) {
    if (value != null) {
      headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
