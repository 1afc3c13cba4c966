package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference;
import dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference.FlowState;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.flow.FlowTally;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replay's {@code spec.flowRef} covers: the hops of the Flow whose Route is in the replay's namespace (all of
 * them, or the one flowRef.hop names), the state of their events to send again, and — once the Flow's verdict is
 * read at the replay's start — the (route, correlation id) pairs of the orders stopped there. Pure.
 *
 * <p>The verdict reads every hop, other namespaces' too (the Flow may follow them: their Routes opted in), because
 * whether an order is broken after hop k depends on hop k+1. The replay re-delivers only this namespace's events: a
 * replay never crosses namespaces, and an order broken after another namespace's hop is mended by a Replay there.
 *
 * @param hops the indexes of the hops covered, ascending
 */
public record FlowScope(ReplayFlowReference ref, FlowHops flow, List<Integer> hops) {

  /** An order's event to select: on this route, with this correlation id. */
  public record RouteOrder(String route, String correlationId) {}

  public FlowScope {
    hops = List.copyOf(hops);
  }

  /**
   * @param flow the Flow flowRef names, resolved against its Routes and {@link FlowRoutes#ready ready}
   * @throws IllegalArgumentException naming the flowRef field at fault: the hop is past the Flow's end, the last one
   *     for broken orders or in another namespace; or no hop that can stop such an order is in the namespace
   */
  public static FlowScope of(String namespace, ReplayFlowReference ref, FlowRoutes flow) {
    if (!flow.ready()) {
      throw new IllegalStateException("Flow " + ref.getName() + " is not ready: " + flow.problems());
    }
    List<FlowHops.Hop> declared = flow.hops().hops();
    Integer hop = ref.getHop();
    if (hop != null) {
      if (hop >= declared.size()) {
        throw new IllegalArgumentException("spec.flowRef.hop: " + hop + " is past the last hop of Flow \""
            + ref.getName() + "\" (hops 0 to " + (declared.size() - 1) + ")");
      }
      if (ref.state() == FlowState.BROKEN && hop == declared.size() - 1) {
        throw new IllegalArgumentException("spec.flowRef.hop: " + hop + " is the last hop of Flow \""
            + ref.getName() + "\": an order it delivered is complete, never broken after it");
      }
      String there = declared.get(hop).namespace();
      if (!there.equals(namespace)) {
        throw new IllegalArgumentException("spec.flowRef.hop: hop " + hop + " (" + declared.get(hop) + ") is in"
            + " namespace " + there + ", and a replay never re-delivers another namespace's events; create the"
            + " Replay there (rewind flow --broken --replay-file writes it)");
      }
      return new FlowScope(ref, flow.hops(), List.of(hop));
    }
    List<Integer> here = hopsHere(namespace, ref, flow.hops());
    if (here.isEmpty()) {
      throw new IllegalArgumentException("spec.flowRef.name: no hop of Flow \"" + ref.getName() + "\" that can"
          + " stop a " + ref.state().wireName() + " order is in namespace " + namespace + "; a replay re-delivers"
          + " only its own namespace's events");
    }
    return new FlowScope(ref, flow.hops(), here);
  }

  /**
   * The routes of the hops in {@code namespace} that flowRef covers, in hop order, without refusing anything: what a
   * replay admitted earlier delivers to.
   */
  public static List<String> routesHere(String namespace, ReplayFlowReference ref, FlowHops flow) {
    return hopsHere(namespace, ref, flow).stream().map(k -> flow.hops().get(k).route()).toList();
  }

  /**
   * The indexes of the hops in {@code namespace} that can stop an order of flowRef's state (the last hop cannot
   * break one) and that flowRef's hop, if set, names.
   */
  private static List<Integer> hopsHere(String namespace, ReplayFlowReference ref, FlowHops flow) {
    int stopping = ref.state() == FlowState.BROKEN ? flow.hops().size() - 1 : flow.hops().size();
    List<Integer> here = new ArrayList<>();
    for (int k = 0; k < stopping; k++) {
      if (flow.hops().get(k).namespace().equals(namespace) && (ref.getHop() == null || ref.getHop() == k)) {
        here.add(k);
      }
    }
    return here;
  }

  /** The routes of the covered hops, in hop order. */
  public List<String> routes() {
    return hops.stream().map(k -> flow.hops().get(k).route()).toList();
  }

  /**
   * The state of the events sent again: a broken order's hop delivered it (the service behind the hop dropped it
   * afterwards); a failed order's hop gave up on it.
   */
  public List<EventState> states() {
    return List.of(ref.state() == FlowState.BROKEN ? EventState.DELIVERED : EventState.DEAD);
  }

  /** The orders the verdict finds stopped at a covered hop, as the (route, correlation id) pairs to select. */
  public List<RouteOrder> orders(FlowTally tally) {
    Map<Integer, String> routes = new TreeMap<>();
    hops.forEach(k -> routes.put(k, flow.hops().get(k).route()));
    List<FlowTally.Stopped> stopped = ref.state() == FlowState.BROKEN ? tally.broken() : tally.failures();
    return stopped.stream().filter(s -> routes.containsKey(s.hop()))
        .map(s -> new RouteOrder(routes.get(s.hop()), s.correlationId())).toList();
  }
}
