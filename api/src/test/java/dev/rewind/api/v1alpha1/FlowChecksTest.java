package dev.rewind.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.flow.FlowChecks;
import dev.rewind.api.v1alpha1.flow.FlowHop;
import dev.rewind.api.v1alpha1.flow.FlowRouteReference;
import dev.rewind.api.v1alpha1.flow.FlowSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every problem {@link FlowChecks} reports, each naming its field. */
class FlowChecksTest {

  private static FlowSpec spec(String within, FlowHop... hops) {
    FlowSpec spec = new FlowSpec();
    spec.setHops(Arrays.asList(hops));
    spec.setWithin(within);
    spec.setLookback("24h");
    return spec;
  }

  private static FlowHop hop(String name, String namespace) {
    return new FlowHop(new FlowRouteReference(name, namespace));
  }

  @Test
  void aForwardFlowAcrossNamespacesHasNoProblem() {
    assertThat(FlowChecks.problems(spec("5m", hop("erp-to-a", null), hop("a-to-b", null),
        hop("b-to-partner", "fulfilment")), "shop")).isEmpty();
  }

  @Test
  void aRouteNamedTwiceIsALoopEvenWhenOnceWithTheFlowsOwnNamespace() {
    assertThat(FlowChecks.problems(spec("5m", hop("a", null), hop("b", null), hop("a", "shop")), "shop"))
        .containsExactly("spec.hops[2].routeRef: Route shop/a is hop 0 already: a flow goes forward, it cannot loop");
  }

  @Test
  void theSameNameInAnotherNamespaceIsAnotherRoute() {
    assertThat(FlowChecks.problems(spec("5m", hop("orders", null), hop("orders", "fulfilment")), "shop")).isEmpty();
  }

  @Test
  void tooFewHopsAndAHopWithoutARouteAreNamed() {
    assertThat(FlowChecks.problems(spec("5m", hop("a", null)), "shop"))
        .containsExactly("spec.hops: a flow has 2 hops or more");
    assertThat(FlowChecks.problems(spec("5m", hop("a", null), new FlowHop()), "shop"))
        .containsExactly("spec.hops[1].routeRef.name: required");
  }

  @Test
  void durationsOutOfBoundsOrOutOfGrammarAreNamed() {
    assertThat(FlowChecks.problems(spec("0s", hop("a", null), hop("b", null)), "shop"))
        .containsExactly("spec.within: within must be more than 0s and at most 24h, not 0s");
    assertThat(FlowChecks.problems(spec("25h", hop("a", null), hop("b", null)), "shop"))
        .containsExactly("spec.within: within must be more than 0s and at most 24h, not 25h");
    assertThat(FlowChecks.problems(spec("5 minutes", hop("a", null), hop("b", null)), "shop"))
        .singleElement().asString().startsWith("spec.within: \"5 minutes\" is not a duration");
  }
}
