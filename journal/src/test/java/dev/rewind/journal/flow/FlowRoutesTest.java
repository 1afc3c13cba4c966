package dev.rewind.journal.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.route.Route;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which Routes a Flow may follow, and what it says when it may not. */
class FlowRoutesTest {

  private static final Flow FLOW = Serialization.unmarshal("""
      apiVersion: rewind.dev/v1alpha1
      kind: Flow
      metadata: {name: orders, namespace: shop}
      spec:
        hops:
          - routeRef: {name: a-to-b}
          - routeRef: {name: b-to-partner, namespace: fulfilment}
        within: 2m
        lookback: 6h
      """, Flow.class);

  private static Route route(String namespace, String name, boolean correlated, String flowsFrom) {
    Route route = Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: %s, namespace: %s}
        spec:
          destination: {url: "http://b/"}
        %s
        """.formatted(name, namespace, correlated ? "  correlationId: {header: X-Order-Id}" : ""), Route.class);
    if (flowsFrom != null) {
      route.getMetadata().setAnnotations(Map.of(FlowRoutes.FLOWS_FROM, flowsFrom));
    }
    return route;
  }

  private static Map<String, Route> routes(Route... routes) {
    Map<String, Route> map = new HashMap<>();
    for (Route r : routes) {
      map.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r);
    }
    return map;
  }

  @Test
  void sharedRoutesWithCorrelationIdsResolveToTheFlowsHops() {
    FlowRoutes resolved = FlowRoutes.resolve(FLOW, routes(route("shop", "a-to-b", true, null),
        route("fulfilment", "b-to-partner", true, "billing, shop")));

    assertThat(resolved.ready()).isTrue();
    assertThat(resolved.hops()).isEqualTo(new FlowHops(java.util.List.of(new FlowHops.Hop("shop", "a-to-b"),
        new FlowHops.Hop("fulfilment", "b-to-partner")), Duration.ofMinutes(2), Duration.ofHours(6)));
  }

  @Test
  void aStarSharesWithEveryNamespace() {
    assertThat(FlowRoutes.resolve(FLOW, routes(route("shop", "a-to-b", true, null),
        route("fulfilment", "b-to-partner", true, "*"))).ready()).isTrue();
  }

  @Test
  void everyProblemIsNamedOnItsHop() {
    FlowRoutes missing = FlowRoutes.resolve(FLOW, routes(route("fulfilment", "b-to-partner", true, "shop")));
    FlowRoutes uncorrelated = FlowRoutes.resolve(FLOW, routes(route("shop", "a-to-b", false, null),
        route("fulfilment", "b-to-partner", true, "shop")));
    FlowRoutes unshared = FlowRoutes.resolve(FLOW, routes(route("shop", "a-to-b", true, null),
        route("fulfilment", "b-to-partner", true, "shopping")));

    assertThat(missing.ready()).isFalse();
    assertThat(missing.problems()).containsExactly("spec.hops[0].routeRef: Route shop/a-to-b not found");
    assertThat(uncorrelated.problems()).containsExactly("spec.hops[0].routeRef: Route shop/a-to-b has no"
        + " spec.correlationId, so its events cannot be linked to the other hops'");
    assertThat(unshared.problems()).containsExactly("spec.hops[1].routeRef: Route fulfilment/b-to-partner does not"
        + " share its events with namespace shop (its annotation rewind.dev/flows-from must list it)");
  }

  @Test
  void aLoopIsReportedBeforeAnyRouteIsLookedAt() {
    Flow loop = Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: loop, namespace: shop}
        spec:
          hops: [{routeRef: {name: a}}, {routeRef: {name: a, namespace: shop}}]
          within: 5m
          lookback: 24h
        """, Flow.class);

    assertThat(FlowRoutes.resolve(loop, Map.of()).problems())
        .containsExactly("spec.hops[1].routeRef: Route shop/a is hop 0 already: a flow goes forward, it cannot loop");
  }
}
