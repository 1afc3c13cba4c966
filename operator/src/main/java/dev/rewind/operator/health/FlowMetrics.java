package dev.rewind.operator.health;

import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.journal.flow.FlowTally;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Flow's orders as the gauge {@code rewind_flow_orders{namespace, flow, state}} (state complete, inFlight, failed,
 * broken), for the alert on broken flows: labels name the Flow, never an order.
 */
public final class FlowMetrics {

  private final MultiGauge orders;
  private final Map<String, Map<String, Long>> byFlow = new ConcurrentHashMap<>();

  public FlowMetrics(MeterRegistry registry) {
    orders = MultiGauge.builder("rewind.flow.orders")
        .description("Orders of a Flow in its lookback, by where they stand").register(registry);
  }

  /** A Flow's fresh tally. */
  public synchronized void tallied(Flow flow, FlowTally tally) {
    byFlow.put(key(flow), Map.of(
        "complete", tally.complete(), "inFlight", tally.inFlight(), "failed", tally.failed(),
        "broken", tally.brokenCount()));
    publish();
  }

  /** A deleted Flow: its series go, so an alert on its broken orders resolves rather than firing on for ever. */
  public synchronized void forget(Flow flow) {
    if (byFlow.remove(key(flow)) != null) {
      publish();
    }
  }

  private static String key(Flow flow) {
    return flow.getMetadata().getNamespace() + "/" + flow.getMetadata().getName();
  }

  private void publish() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    byFlow.forEach((key, states) -> {
      Tags tags = Tags.of("namespace", key.substring(0, key.indexOf('/')), "flow", key.substring(key.indexOf('/') + 1));
      states.forEach((state, count) -> rows.add(MultiGauge.Row.of(tags.and("state", state), count)));
    });
    orders.register(rows, true);
  }
}
