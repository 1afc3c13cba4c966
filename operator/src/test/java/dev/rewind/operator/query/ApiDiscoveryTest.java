package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ApiDiscoveryTest {

  @Test
  void theResourcesAndTheirVerbs() {
    JsonNode list = ApiDiscovery.resourceList();
    assertThat(list.path("groupVersion").asText()).isEqualTo("query.rewind.dev/v1alpha1");
    assertThat(list.path("resources").toString()).isEqualTo("["
        + "{\"name\":\"events\",\"singularName\":\"journalevent\",\"namespaced\":true,\"kind\":\"JournalEvent\","
        + "\"verbs\":[\"get\",\"list\"]},"
        + "{\"name\":\"events/body\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"JournalEventBody\","
        + "\"verbs\":[\"get\"]},"
        + "{\"name\":\"orders\",\"singularName\":\"order\",\"namespaced\":true,\"kind\":\"Order\","
        + "\"verbs\":[\"get\"]}]");
  }

  @Test
  void theGroup() {
    assertThat(ApiDiscovery.group().path("preferredVersion").path("groupVersion").asText())
        .isEqualTo("query.rewind.dev/v1alpha1");
    assertThat(ApiDiscovery.groupList().path("groups").path(0).path("name").asText()).isEqualTo("query.rewind.dev");
  }

  @Test
  void statusNamesTheObject() {
    assertThat(StatusErrors.of(QueryException.notFound("events", "x")).toString()).isEqualTo(
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
            + "\"events.query.rewind.dev \\\"x\\\" not found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"x\","
            + "\"group\":\"query.rewind.dev\",\"kind\":\"events\"},\"code\":404}");
    assertThat(StatusErrors.of(QueryException.badRequest("limit: no")).path("reason").asText())
        .isEqualTo("BadRequest");
  }
}
