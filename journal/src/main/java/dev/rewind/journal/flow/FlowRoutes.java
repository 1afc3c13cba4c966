package dev.rewind.journal.flow;

import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowChecks;
import dev.rewind.api.v1alpha1.flow.FlowHop;
import dev.rewind.api.v1alpha1.route.Route;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Flow's hops resolved against the Routes that exist: each must exist, extract a correlation id (or its events
 * cannot be linked to the other hops'), and, in another namespace than the Flow's, share its events with the Flow's
 * namespace. A namespace's events are its own: a Route shares them by listing the namespaces whose Flows may follow
 * it in its annotation {@value #FLOWS_FROM} ({@code "shop,billing"}, or {@code "*"} for every namespace). Pure.
 *
 * @param hops the flow as the journal follows it; null when a problem stops it
 * @param problems one sentence each, naming the field
 */
public record FlowRoutes(FlowHops hops, List<String> problems) {

  /** On a Route: the namespaces whose Flows may follow it. */
  public static final String FLOWS_FROM = "rewind.dev/flows-from";

  /**
   * @param routes the Routes the hops name that exist, by {@code namespace/name}
   */
  public static FlowRoutes resolve(Flow flow, Map<String, Route> routes) {
    String namespace = flow.getMetadata().getNamespace();
    List<String> problems = new ArrayList<>(FlowChecks.problems(flow.getSpec(), namespace));
    if (!problems.isEmpty()) {
      return new FlowRoutes(null, problems);
    }
    List<FlowHop> declared = flow.getSpec().getHops();
    for (int i = 0; i < declared.size(); i++) {
      String key = FlowChecks.route(declared.get(i), namespace);
      String field = "spec.hops[" + i + "].routeRef";
      Route route = routes.get(key);
      if (route == null) {
        problems.add(field + ": Route " + key + " not found");
        continue;
      }
      if (route.getSpec() == null || route.getSpec().getCorrelationId() == null) {
        problems.add(field + ": Route " + key + " has no spec.correlationId, so its events cannot be linked to the"
            + " other hops'");
      }
      String routeNamespace = route.getMetadata().getNamespace();
      if (!routeNamespace.equals(namespace) && !shares(route, namespace)) {
        problems.add(field + ": Route " + key + " does not share its events with namespace " + namespace
            + " (its annotation " + FLOWS_FROM + " must list it)");
      }
    }
    return problems.isEmpty() ? new FlowRoutes(FlowHops.of(flow), List.of()) : new FlowRoutes(null, problems);
  }

  private static boolean shares(Route route, String namespace) {
    Map<String, String> annotations = route.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(FLOWS_FROM);
    return value != null && Arrays.stream(value.split(",")).map(String::trim)
        .anyMatch(n -> n.equals("*") || n.equals(namespace));
  }

  public boolean ready() {
    return hops != null;
  }

  public FlowRoutes {
    problems = List.copyOf(problems);
    if ((hops == null) == problems.isEmpty()) {
      throw new IllegalArgumentException("either hops or problems");
    }
  }
}
