package dev.rewind.console.recover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.journal.replay.ReplaySelection;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayYamlTest {

  private static final Instant SINCE = Instant.parse("2026-12-06T10:00:00Z");
  private static final Instant UNTIL = Instant.parse("2026-12-06T10:30:00Z");

  @Test
  void oneRouteIsARouteRefWithTheWindowAsTimestampsAndTheDryRunFirst() {
    ReplaySelectionSpec s = new ReplaySelectionSpec("shop", List.of("orders-to-billing"), List.of(EventState.DEAD),
        SINCE, UNTIL, "ORD-2", List.of(), "503");
    String yaml = ReplayYaml.yaml(s, true);
    assertThat(yaml).contains("apiVersion: \"rewind.dev/v1alpha1\"").contains("kind: \"Replay\"")
        .contains("name: \"orders-to-billing-replay-preview\"").contains("namespace: \"shop\"")
        .contains("routeRef:\n    name: \"orders-to-billing\"").contains("since: \"2026-12-06T10:00:00Z\"")
        .contains("until: \"2026-12-06T10:30:00Z\"").contains("dryRun: true").doesNotContain("routes:");
    assertThat(ReplayYaml.yaml(s, false)).contains("name: \"orders-to-billing-replay\"").doesNotContain("dryRun");

    Replay back = Serialization.unmarshal(yaml, Replay.class);
    assertThat(back.getSpec().getStates()).containsExactly(EventState.DEAD);
    assertThat(back.getSpec().getCorrelationIds()).containsExactly("ORD-2");
    assertThat(back.getSpec().getLastOutcome()).containsExactly("503");
    // What the journal would select for it: the same namespace, route, window and filters.
    ReplaySelection selection = ReplaySelection.of("shop", back.getSpec(), UNTIL);
    assertThat(selection).isEqualTo(ReplaySelection.of("shop", ReplayYaml.replay(s, true).getSpec(), UNTIL));
  }

  @Test
  void severalRoutesAreARouteListAndNoStateMeansTheReplayDefault() {
    ReplaySelectionSpec s = new ReplaySelectionSpec("shop", List.of("a", "b"), List.of(), null, null, null,
        List.of(), null);
    Replay r = ReplayYaml.replay(s, true);
    assertThat(r.getSpec().getRouteRef()).isNull();
    assertThat(r.getSpec().getRoutes()).containsExactly("a", "b");
    assertThat(r.getSpec().getStates()).isNull();
    assertThat(r.getSpec().getSince()).isNull();
  }

  @Test
  void anOutcomeTheCrdRefusesIsLeftOutAndHostileTextStaysAQuotedString() {
    ReplaySelectionSpec s = new ReplaySelectionSpec("shop", List.of("Orders_<x>"), List.of(), null, null,
        "\"\n}: <script>", List.of(), "weird");
    Replay r = ReplayYaml.replay(s, true);
    assertThat(r.getSpec().getLastOutcome()).isNull();
    assertThat(r.getMetadata().getName()).isEqualTo("ordersx-replay-preview");
    Replay back = Serialization.unmarshal(ReplayYaml.yaml(s, true), Replay.class);
    assertThat(back.getSpec().getCorrelationIds()).containsExactly("\"\n}: <script>");
  }
}
