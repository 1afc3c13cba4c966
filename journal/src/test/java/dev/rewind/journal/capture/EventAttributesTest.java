package dev.rewind.journal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.common.ValueSource;
import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.journal.store.Header;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventAttributesTest {

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static RouteSpec route(ValueSource id, ValueSource correlation, ValueSource type) {
    RouteSpec spec = new RouteSpec();
    spec.setEventId(id);
    spec.setCorrelationId(correlation);
    spec.setEventType(type);
    return spec;
  }

  @Test
  void configuredHeadersAndPointers() {
    EventAttributes a = EventAttributes.extract(
        route(ValueSource.header("Idempotency-Key"), ValueSource.jsonPointer("/order/id"),
            ValueSource.jsonPointer("/kind")),
        List.of(new Header("idempotency-key", " k-1 ")),
        json("{\"order\":{\"id\":4711},\"kind\":\"order.created\"}"));
    assertThat(a).isEqualTo(new EventAttributes("k-1", null, "4711", "order.created"));
  }

  @Test
  void cloudEventsBinaryModeByDefault() {
    EventAttributes a = EventAttributes.extract(new RouteSpec(),
        List.of(new Header("ce-id", "ce-1"), new Header("ce-source", "/erp"), new Header("ce-type",
            "com.shop.order")), json("{\"id\":\"no\"}"));
    assertThat(a).isEqualTo(new EventAttributes("ce-1", "/erp", null, "com.shop.order"));
  }

  @Test
  void cloudEventsStructuredModeByDefault() {
    EventAttributes a = EventAttributes.extract(new RouteSpec(),
        List.of(new Header("Content-Type", "application/cloudevents+json; charset=utf-8")),
        json("{\"specversion\":\"1.0\",\"id\":\"s-9\",\"source\":\"/billing\",\"type\":\"com.shop.paid\"}"));
    assertThat(a).isEqualTo(new EventAttributes("s-9", "/billing", null, "com.shop.paid"));
  }

  @Test
  void aPlainJsonBodyIsNotMistakenForACloudEvent() {
    EventAttributes a = EventAttributes.extract(new RouteSpec(),
        List.of(new Header("Content-Type", "application/json")), json("{\"id\":\"x\",\"type\":\"y\"}"));
    assertThat(a).isEqualTo(new EventAttributes(null, null, null, null));
  }

  @Test
  void missingOrUnusableValuesYieldNothing() {
    RouteSpec spec = route(ValueSource.jsonPointer("/id"), ValueSource.header("X-Corr"),
        ValueSource.jsonPointer("/nested"));
    assertThat(EventAttributes.extract(spec, List.of(), json("not json"))).isEqualTo(new EventAttributes(null, null,
        null, null));
    assertThat(EventAttributes.extract(spec, List.of(new Header("X-Corr", "  ")), json("{\"id\":\"\","
        + "\"nested\":{\"a\":1}}"))).isEqualTo(new EventAttributes(null, null, null, null));
    assertThat(EventAttributes.extract(spec, List.of(), new byte[0])).isEqualTo(new EventAttributes(null, null,
        null, null));
  }

  @Test
  void anOverlongIdIsRefusedNamingWhereItCameFrom() {
    String longId = "x".repeat(257);
    assertThatThrownBy(() -> EventAttributes.extract(route(ValueSource.header("ce-id"), null, null),
        List.of(new Header("ce-id", longId)), new byte[0]))
        .isInstanceOf(EventAttributes.InvalidAttribute.class)
        .hasMessageContaining("eventId (header ce-id) is 257 characters long");
  }
}
