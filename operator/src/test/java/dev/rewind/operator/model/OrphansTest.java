package dev.rewind.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.operator.model.Orphans.RouteKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphansTest {

  private static final List<RouteKey> PUBLISHED = List.of(
      new RouteKey("a", "kept"), new RouteKey("a", "gone"), new RouteKey("b", "gone-too"),
      new RouteKey("c", "not-looked-at"));

  @Test
  void publishedRoutesWithoutRouteAreOrphans() {
    Map<String, Set<String>> existing = Map.of("a", Set.of("kept"), "b", Set.of());

    assertThat(Orphans.find(PUBLISHED, existing, Set.of()))
        .containsExactly(new RouteKey("a", "gone"), new RouteKey("b", "gone-too"));
  }

  @Test
  void aNamespaceThatWasNotListedIsLeftAlone() {
    assertThat(Orphans.find(PUBLISHED, Map.of("a", Set.of("kept", "gone")), Set.of())).isEmpty();
  }

  @Test
  void namespacesOfOtherOperatorsAreNeverTouched() {
    Map<String, Set<String>> existing = Map.of("a", Set.of(), "b", Set.of());

    assertThat(Orphans.find(PUBLISHED, existing, Set.of("b"))).containsExactly(new RouteKey("b", "gone-too"));
  }
}
