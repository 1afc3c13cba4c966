package dev.rewind.journal.flow;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Replays that mend a flow's broken orders: for each hop some orders are broken after, one Replay in that hop's
 * namespace re-delivering the hop's delivered events of exactly those orders (route, state delivered, their
 * correlation ids), so the service behind the hop gets them again under their original ids. Plain Replays, so
 * {@code kubectl apply} and {@code rewind replay} run them as any other, and a dry run counts what they would send.
 * Pure.
 */
public final class BrokenFlowReplays {

  /** The most correlation ids one Replay may list (its CRD's bound); more make more Replays. */
  public static final int MOST_IDS = 1000;

  private BrokenFlowReplays() {}

  /** @param flowName names the Replays: {@code <flow>-broken-after-<hop>} (and {@code -<part>} beyond one) */
  public static List<Replay> of(String flowName, FlowHops flow, FlowTally tally) {
    Map<Integer, List<String>> byHop = new TreeMap<>();
    tally.broken().forEach(b -> byHop.computeIfAbsent(b.hop(), k -> new ArrayList<>()).add(b.correlationId()));
    List<Replay> replays = new ArrayList<>();
    for (Map.Entry<Integer, List<String>> hop : byHop.entrySet()) {
      List<String> ids = hop.getValue();
      int parts = (ids.size() + MOST_IDS - 1) / MOST_IDS;
      for (int part = 0; part < parts; part++) {
        String name = flowName + "-broken-after-" + hop.getKey() + (parts > 1 ? "-" + (part + 1) : "");
        replays.add(replay(name, flow.hops().get(hop.getKey()),
            ids.subList(part * MOST_IDS, Math.min(ids.size(), (part + 1) * MOST_IDS))));
      }
    }
    return replays;
  }

  private static Replay replay(String name, FlowHops.Hop hop, List<String> correlationIds) {
    ReplaySpec spec = new ReplaySpec();
    spec.setRouteRef(new LocalObjectReference(hop.route()));
    spec.setStates(List.of(EventState.DELIVERED));
    spec.setCorrelationIds(List.copyOf(correlationIds));
    Replay replay = new Replay();
    replay.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(hop.namespace()).build());
    replay.setSpec(spec);
    return replay;
  }
}
