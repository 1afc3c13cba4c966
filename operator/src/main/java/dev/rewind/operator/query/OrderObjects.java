package dev.rewind.operator.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.FlowProgress;
import dev.rewind.journal.flow.HopEvent;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code Order}: every journaled event of one correlation id the user may read, in time order with their
 * attempt logs, and, along a Flow, its hops and where the order stands. Pure.
 */
public final class OrderObjects {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** An event with its attempts. */
  public record Traced(StoredEvent event, List<AttemptRecord> attempts) {}

  /**
   * One hop of the flow as this user sees it.
   *
   * @param readable whether the user may list events in the hop's namespace; if not, {@code events} is empty
   */
  public record Hop(int index, FlowHops.Hop hop, boolean readable, List<StoredEvent> events) {}

  private OrderObjects() {}

  /**
   * @param events the order's events the user may read (any namespace), any order
   * @param flow the flow's name and hops, or null without one
   */
  public static ObjectNode of(String namespace, String correlationId, List<Traced> events, String flowName,
      FlowHops flow, List<Hop> hops, Instant now) {
    ObjectNode order = JSON.objectNode().put("apiVersion", ApiDiscovery.GROUP_VERSION).put("kind", "Order");
    order.putObject("metadata").put("name", correlationId).put("namespace", namespace);
    ArrayNode list = order.putArray("events");
    events.stream()
        .sorted(Comparator.comparing((Traced t) -> t.event().receivedAt()).thenComparing(t -> t.event().id()))
        .forEach(t -> list.add(EventObjects.event(t.event(), t.attempts())));
    if (flow == null) {
      return order;
    }
    order.put("flow", flowName);
    ArrayNode hopList = order.putArray("hops");
    List<HopEvent> seen = new ArrayList<>();
    for (Hop hop : hops) {
      ObjectNode node = hopList.addObject().put("index", hop.index()).put("namespace", hop.hop().namespace())
          .put("route", hop.hop().route()).put("readable", hop.readable());
      if (!hop.readable()) {
        continue;
      }
      node.put("events", hop.events().size()).put("state", hopState(hop.events()));
      hop.events().forEach(e -> seen.add(new HopEvent(hop.index(), e.state(), e.receivedAt(), e.completedAt())));
    }
    Optional<FlowProgress> progress = FlowProgress.of(flow.hops().size(), flow.within(), seen, now);
    progress.ifPresent(p -> order.putObject("progress").put("state", p.state().name()).put("hop", p.hop())
        .put("since", EventObjects.timestamp(p.since())));
    return order;
  }

  /** A hop's most advanced state for the order: delivered, then still being tried, then dead; none: notReached. */
  static String hopState(List<StoredEvent> events) {
    if (events.isEmpty()) {
      return "notReached";
    }
    Map<EventState, Integer> rank = Map.of(EventState.DELIVERED, 0, EventState.DELIVERING, 1, EventState.FAILED, 2,
        EventState.PENDING, 3, EventState.DEAD, 4);
    return events.stream().map(StoredEvent::state).min(Comparator.comparing(rank::get)).orElseThrow().wireName();
  }
}
