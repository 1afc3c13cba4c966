package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventTablesTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  static StoredEvent event(EventState state, String lastOutcome, String correlationId) {
    return new StoredEvent(UUID.fromString("01900000-0000-7000-8000-000000000001"), "shop", "orders", 1, "src-1",
        correlationId, "order.created", "erp", "erp-0", "POST", "http://b/orders", "",
        List.of(new Header("Content-Type", "application/json")), "{}".getBytes(StandardCharsets.UTF_8),
        NOW.minusSeconds(330), state, 2, null, null, 0, lastOutcome, null, null);
  }

  @Test
  void columnsAsKubectlPrintsThem() {
    JsonNode table = EventTables.of(List.of(event(EventState.DEAD, "503", null)), "tok",
        ListParameters.IncludeObject.METADATA, NOW);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(table.path("metadata").path("continue").asText()).isEqualTo("tok");
    List<String> names = new ArrayList<>();
    List<Integer> priorities = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> {
      names.add(c.path("name").asText());
      priorities.add(c.path("priority").asInt());
    });
    assertThat(names).containsExactly("Name", "Route", "State", "Attempts", "Last Outcome", "Correlation ID", "Age",
        "Type", "Sender");
    assertThat(priorities).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 1);
    JsonNode row = table.path("rows").path(0);
    assertThat(row.path("cells").toString()).isEqualTo("[\"01900000-0000-7000-8000-000000000001\",\"orders\","
        + "\"dead\",2,\"503\",\"<none>\",\"5m30s\",\"order.created\",\"erp/erp-0\"]");
    assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(row.path("object").path("metadata").path("namespace").asText()).isEqualTo("shop");
    assertThat(row.path("object").path("metadata").path("creationTimestamp").asText())
        .isEqualTo("2026-03-01T11:54:30Z");
  }

  @Test
  void includeObjectChoosesWhatRowsCarry() {
    StoredEvent e = event(EventState.PENDING, null, "ORD-1");
    assertThat(EventTables.of(List.of(e), null, ListParameters.IncludeObject.NONE, NOW).path("rows").path(0)
        .has("object")).isFalse();
    assertThat(EventTables.of(List.of(e), null, ListParameters.IncludeObject.OBJECT, NOW).path("rows").path(0)
        .path("object").path("kind").asText()).isEqualTo("JournalEvent");
    assertThat(EventTables.of(List.of(e), null, ListParameters.IncludeObject.NONE, NOW).path("metadata")
        .has("continue")).isFalse();
  }

  @Test
  void recognisesKubectlsAccept() {
    assertThat(EventTables.wanted("application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;"
        + "v=v1beta1;g=meta.k8s.io,application/json")).isTrue();
    assertThat(EventTables.wanted("application/json;as=Table;v=v1;g=meta.k8s.io")).isTrue();
    assertThat(EventTables.wanted("application/json")).isFalse();
    assertThat(EventTables.wanted("application/json;as=Table;v=v1beta1;g=meta.k8s.io")).isFalse();
    assertThat(EventTables.wanted(null)).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"0,0s", "59,59s", "119,119s", "120,2m", "330,5m30s", "600,10m", "10799,179m", "10800,3h",
      "27000,7h30m", "28800,8h", "172799,47h", "172800,2d", "183600,2d3h", "691200,8d", "63072000,2y",
      "63158400,2y1d", "252288000,8y", "-1,0s", "-5,<invalid>"})
  void agesAsKubernetesPrintsThem(long seconds, String age) {
    assertThat(EventTables.age(Duration.ofSeconds(seconds))).isEqualTo(age);
  }
}
