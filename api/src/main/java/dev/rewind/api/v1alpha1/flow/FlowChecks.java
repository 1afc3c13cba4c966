package dev.rewind.api.v1alpha1.flow;

import dev.rewind.api.time.DurationLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the API server cannot check of a Flow's spec, and what an object that bypassed admission may carry: each
 * problem one sentence naming its field. The operator reports them in the Flow's status; the standalone reader
 * refuses the file.
 */
public final class FlowChecks {

  private FlowChecks() {}

  /**
   * @param namespace the Flow's namespace, which a hop without one means
   * @return the problems, in field order; empty when the spec can be followed
   */
  public static List<String> problems(FlowSpec spec, String namespace) {
    List<String> problems = new ArrayList<>();
    if (spec == null || spec.getHops() == null || spec.getHops().size() < 2) {
      problems.add("spec.hops: a flow has 2 hops or more");
      return problems;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < spec.getHops().size(); i++) {
      FlowHop hop = spec.getHops().get(i);
      if (hop == null || hop.getRouteRef() == null || hop.getRouteRef().getName() == null) {
        problems.add("spec.hops[" + i + "].routeRef.name: required");
        continue;
      }
      String route = route(hop, namespace);
      Integer first = seen.putIfAbsent(route, i);
      if (first != null) {
        problems.add("spec.hops[" + i + "].routeRef: Route " + route + " is hop " + first
            + " already: a flow goes forward, it cannot loop");
      }
    }
    check(problems, "spec.within", spec.getWithin(), DurationLimits.WITHIN);
    check(problems, "spec.lookback", spec.getLookback(), DurationLimits.LOOKBACK);
    return problems;
  }

  /** {@code namespace/name} of a hop's Route. */
  public static String route(FlowHop hop, String flowNamespace) {
    return namespace(hop, flowNamespace) + "/" + hop.getRouteRef().getName();
  }

  /** The namespace of a hop's Route: its own, else the Flow's. */
  public static String namespace(FlowHop hop, String flowNamespace) {
    String namespace = hop.getRouteRef().getNamespace();
    return namespace == null ? flowNamespace : namespace;
  }

  private static void check(List<String> problems, String field, String value, DurationLimits.Bound bound) {
    String problem = value == null ? null : DurationLimits.check(field, value, bound);
    if (problem != null) {
      // A value out of grammar is named by its field already; one out of bounds by the bound's own message.
      problems.add(problem.startsWith(field + ": ") ? problem : field + ": " + problem);
    }
  }
}
