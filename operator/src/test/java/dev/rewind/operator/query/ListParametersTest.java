package dev.rewind.operator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.operator.query.ListParameters.IncludeObject;
import dev.rewind.operator.query.ListParameters.ListRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListParametersTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void defaults() {
    ListRequest list = ListParameters.list(Map.of(), NOW);
    assertThat(list.limit()).isEqualTo(500);
    assertThat(list.after()).isNull();
    assertThat(list.since()).isNull();
    assertThat(list.includeObject()).isEqualTo(IncludeObject.METADATA);
  }

  @Test
  void whatKubectlSendsIsAccepted() {
    ListRequest list = ListParameters.list(QueryServer.query("limit=500&resourceVersion=0&resourceVersionMatch="
        + "NotOlderThan&timeoutSeconds=30&watch=false&allowWatchBookmarks=true&pretty=true&includeObject=Object"
        + "&labelSelector=&fieldSelector=status.state%3Ddead"), NOW);
    assertThat(list.filter().state().wireName()).isEqualTo("dead");
    assertThat(list.includeObject()).isEqualTo(IncludeObject.OBJECT);
  }

  @Test
  void sinceAndUntilAreTimestampsOrDurationsBack() {
    ListRequest list = ListParameters.list(Map.of("since", List.of("2h"), "until",
        List.of("2026-03-01T11:30:00Z")), NOW);
    assertThat(list.since()).isEqualTo(NOW.minus(Duration.ofHours(2)));
    assertThat(list.until()).isEqualTo(Instant.parse("2026-03-01T11:30:00Z"));
  }

  @Test
  void aContinuedListingKeepsTheWindowOfItsFirstPage() {
    ListRequest first = ListParameters.list(Map.of("since", List.of("2h")), NOW);
    String token = ContinueTokens.encode(new ContinueTokens.Position(java.util.UUID.randomUUID(), first.since(),
        first.until()), first.filters());
    ListRequest later = ListParameters.list(Map.of("since", List.of("2h"), "continue", List.of(token)),
        NOW.plusSeconds(600));
    assertThat(later.since()).isEqualTo(first.since());
    assertThat(later.after()).isNotNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "limit=0|limit: 0 is out of range",
      "limit=1001|limit: 1001 is out of range",
      "limit=100000|limit: 100000 is out of range; give 1 to 1000",
      "limit=-1|limit: -1 is out of range",
      "limit=ten|limit: \"ten\" is not a number",
      "colour=blue|unknown query parameter \"colour\"",
      "labelSelector=app%3Dx|labelSelector: journaled events have no labels",
      "since=yesterday|since: ",
      "until=2026-13-01|until: ",
      "includeObject=All|includeObject: \"All\"",
      "limit=1&limit=2|limit: given 2 times",
      "continue=abc|continue: the token is invalid",
      "fieldSelector=spec.x%3D1|fieldSelector: field \"spec.x\""})
  void badParametersAreRefusedNamingThem(String query, String message) {
    assertThatThrownBy(() -> ListParameters.list(QueryServer.query(query), NOW))
        .isInstanceOfSatisfying(QueryException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).contains(message);
        });
  }

  @Test
  void watchIsNotAllowed() {
    for (String watch : List.of("true", "1")) {
      assertThatThrownBy(() -> ListParameters.list(Map.of("watch", List.of(watch)), NOW))
          .isInstanceOfSatisfying(QueryException.class, e -> {
            assertThat(e.code()).isEqualTo(405);
            assertThat(e.reason()).isEqualTo("MethodNotAllowed");
            assertThat(e.getMessage()).startsWith("watch: ");
          });
    }
  }

  @Test
  void aGetTakesOnlyItsOwnParameters() {
    assertThat(ListParameters.get(Map.of("includeObject", List.of("None")), Set.of())).isEqualTo(IncludeObject.NONE);
    ListParameters.get(Map.of("flow", List.of("f")), Set.of("flow"));
    assertThatThrownBy(() -> ListParameters.get(Map.of("fieldSelector", List.of("")), Set.of()))
        .hasMessageContaining("unknown query parameter \"fieldSelector\"");
    assertThatThrownBy(() -> ListParameters.get(Map.of("flow", List.of("f")), Set.of()))
        .hasMessageContaining("\"flow\"");
  }
}
