package dev.rewind.journal.flow;

import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowChecks;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A flow as the journal follows it: its hops in order, each a route of a namespace, and its timings.
 *
 * @param hops {@code namespace/route} of each hop, in order
 * @param within how long a hop may take to pass an order on
 * @param lookback how far back orders that entered the first hop are followed
 */
public record FlowHops(List<Hop> hops, Duration within, Duration lookback) {

  /** One hop's route. */
  public record Hop(String namespace, String route) {

    public Hop {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(route, "route");
    }

    @Override
    public String toString() {
      return namespace + "/" + route;
    }
  }

  /**
   * The hops a Flow declares, in order (a hop without a namespace is in the Flow's), with its within and lookback.
   * The spec must be one {@link FlowChecks} finds no problem with.
   */
  public static FlowHops of(Flow flow) {
    String namespace = flow.getMetadata().getNamespace();
    List<Hop> hops = flow.getSpec().getHops().stream()
        .map(h -> new Hop(FlowChecks.namespace(h, namespace), h.getRouteRef().getName())).toList();
    return new FlowHops(hops, Durations.parse(flow.getSpec().getWithin()),
        Durations.parse(flow.getSpec().getLookback()));
  }

  public FlowHops {
    hops = List.copyOf(hops);
    if (hops.size() < 2) {
      throw new IllegalArgumentException("a flow has 2 hops or more, not " + hops.size());
    }
    if (hops.stream().distinct().count() != hops.size()) {
      throw new IllegalArgumentException("a route is more than one hop of the flow: " + hops);
    }
    Objects.requireNonNull(within, "within");
    Objects.requireNonNull(lookback, "lookback");
  }
}
