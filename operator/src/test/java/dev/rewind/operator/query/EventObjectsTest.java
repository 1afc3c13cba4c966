package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.Header;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventObjectsTest {

  private static final Instant AT = Instant.parse("2026-03-01T11:00:00.123456Z");

  private static AttemptRecord attempt(int number, Integer code, byte[] body) {
    return new AttemptRecord(null, number, number == 1 ? "initial" : "replay", null, number == 1 ? null : "again",
        "erp-0", "http://b/orders", AT, 8.5, code, code == null ? "timeout" : null, code == null ? "timed out" : null,
        code == null ? "timeout" : String.valueOf(code), List.of(new Header("Server", "b")), body);
  }

  @Test
  void anEventLeavesOutWhatIsNotKnown() {
    JsonNode e = EventObjects.event(EventTablesTest.event(EventState.PENDING, null, null), null);
    assertThat(e.path("spec").has("correlationId")).isFalse();
    assertThat(e.path("status").has("lastOutcome")).isFalse();
    assertThat(e.path("status").has("lastStatusCode")).isFalse();
    assertThat(e.path("status").has("attemptLog")).isFalse();
    assertThat(e.path("metadata").path("name").asText()).isEqualTo(e.path("metadata").path("uid").asText());
  }

  @Test
  void theAttemptLogAndTheLastStatusCode() {
    JsonNode e = EventObjects.event(EventTablesTest.event(EventState.DELIVERED, "delivered", "ORD-1"),
        List.of(attempt(1, null, null), attempt(2, 200, null)));
    assertThat(e.path("status").path("lastStatusCode").asInt()).isEqualTo(200);
    JsonNode log = e.path("status").path("attemptLog");
    assertThat(log.path(0).toString()).isEqualTo("{\"number\":1,\"trigger\":\"initial\",\"outcome\":\"timeout\","
        + "\"durationMs\":8.5,\"startedAt\":\"2026-03-01T11:00:00.123Z\",\"destination\":\"http://b/orders\","
        + "\"error\":\"timed out\"}");
    assertThat(log.path(1).path("replay").asText()).isEqualTo("again");
    assertThat(log.path(1).path("statusCode").asInt()).isEqualTo(200);
    // In a listing, the code comes from the outcome when the outcome is one.
    assertThat(EventObjects.lastStatusCode(EventTablesTest.event(EventState.DEAD, "503", null), null)).isEqualTo(503);
    assertThat(EventObjects.lastStatusCode(EventTablesTest.event(EventState.DEAD, "timeout", null), null)).isNull();
  }

  @Test
  void bodiesAreTextOrBase64() {
    ObjectNode text = JsonNodeFactory.instance.objectNode();
    EventObjects.content(text, "{\"a\":\"é\"}\n".getBytes(StandardCharsets.UTF_8));
    assertThat(text.toString()).isEqualTo("{\"body\":\"{\\\"a\\\":\\\"é\\\"}\\n\"}");
    ObjectNode binary = JsonNodeFactory.instance.objectNode();
    EventObjects.content(binary, new byte[] {(byte) 0xff, 0, 1});
    assertThat(binary.toString()).isEqualTo("{\"body\":\"/wAB\",\"encoding\":\"base64\"}");
    ObjectNode control = JsonNodeFactory.instance.objectNode();
    EventObjects.content(control, new byte[] {'a', 0, 'b'});
    assertThat(control.path("encoding").asText()).isEqualTo("base64");
  }

  @Test
  void aBodyHasTheRequestAndTheAnswersKept() {
    JsonNode body = EventObjects.body(EventTablesTest.event(EventState.DEAD, "503", null),
        List.of(attempt(1, 503, "down".getBytes(StandardCharsets.UTF_8)), attempt(2, null, null)));
    assertThat(body.path("kind").asText()).isEqualTo("JournalEventBody");
    assertThat(body.path("request").path("body").asText()).isEqualTo("{}");
    assertThat(body.path("request").path("headers").toString())
        .isEqualTo("[{\"name\":\"Content-Type\",\"value\":\"application/json\"}]");
    assertThat(body.path("responses")).hasSize(2);
    assertThat(body.path("responses").path(0).path("body").asText()).isEqualTo("down");
    assertThat(body.path("responses").path(1).has("body")).isFalse();
  }
}
