package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.ValueSource;
import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.journal.store.Header;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaRecordsTest {

  private static final UUID ID = UUID.fromString("01900000-0000-7000-8000-000000000001");

  private static DeliveryItem item(String body, Header... headers) {
    return new DeliveryItem(ID, "default", "orders", "evt-1", "POST", "kafka://k:9092/orders", "", List.of(headers),
        body.getBytes(StandardCharsets.UTF_8), Instant.EPOCH, 3, 1, false);
  }

  private static RouteSpec route() {
    RouteSpec spec = new RouteSpec();
    spec.setCorrelationId(ValueSource.jsonPointer("/order/id"));
    spec.setEventType(ValueSource.header("ce-type"));
    return spec;
  }

  private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
    return java.util.Arrays.stream(record.headers().toArray()).collect(Collectors.toMap(
        org.apache.kafka.common.header.Header::key, h -> new String(h.value(), StandardCharsets.UTF_8)));
  }

  private static String key(ProducerRecord<byte[], byte[]> record) {
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }

  @Test
  void theRecordCarriesTheBodyAsCapturedAndHeadersNamingTheEvent() {
    DeliveryItem item = item("{\"order\":{\"id\":42}}", new Header("Content-Type", "application/json"),
        new Header("ce-type", "order.created"), new Header("Authorization", "Bearer secret"));

    ProducerRecord<byte[], byte[]> record = KafkaRecords.record(item, route(), "orders", null, "rescue-1");

    assertThat(record.topic()).isEqualTo("orders");
    assertThat(record.value()).isEqualTo(item.body());
    assertThat(headers(record)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "Rewind-Event-Id", ID.toString(),
        "Rewind-Attempt", "3",
        "Rewind-Replay", "rescue-1",
        "Rewind-Source-Event-Id", "evt-1",
        "Rewind-Event-Type", "order.created",
        "Rewind-Correlation-Id", "42",
        "Content-Type", "application/json"));
  }

  @Test
  void theKeyIsTheEventIdTheCorrelationIdOrAPointerIntoTheBody() {
    DeliveryItem item = item("{\"order\":{\"id\":42,\"customer\":\"c-7\"}}");

    assertThat(key(KafkaRecords.record(item, route(), "t", null, null))).isEqualTo("evt-1");
    assertThat(key(KafkaRecords.record(item, route(), "t", "eventId", null))).isEqualTo("evt-1");
    assertThat(key(KafkaRecords.record(item, route(), "t", "correlationId", null))).isEqualTo("42");
    assertThat(key(KafkaRecords.record(item, route(), "t", "/order/customer", null))).isEqualTo("c-7");
  }

  @Test
  void aKeyThatIsAbsentGivesARecordWithoutAKey() {
    assertThat(key(KafkaRecords.record(item("not json"), route(), "t", "/order/id", null))).isNull();
    assertThat(key(KafkaRecords.record(item("{\"order\":{}}"), route(), "t", "correlationId", null))).isNull();
    assertThat(key(KafkaRecords.record(item("{\"order\":{\"id\":{}}}"), route(), "t", "/order/id", null)))
        .isNull();
  }

  @Test
  void liveDeliveryCarriesNoReplayHeader() {
    assertThat(headers(KafkaRecords.record(item("{}"), route(), "t", null, null))).doesNotContainKey(
        "Rewind-Replay");
  }
}
