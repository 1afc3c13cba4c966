package dev.rewind.journal.flow;

import dev.rewind.journal.store.EventQuery;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.StoredEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an {@link OrderStory} from the journal: the order's events, namespace by namespace, then each event's
 * attempts. One statement at a time, so telling a story holds at most one connection of the pool, which a sidecar
 * shares with the capture it serves.
 */
public final class OrderStoryReader {

  /** The most events read per namespace; a namespace with more is named in {@link OrderStory#truncated()}. */
  public static final int MOST_EVENTS = 200;

  private final EventStore events;

  public OrderStoryReader(EventStore events) {
    this.events = events;
  }

  /** The order's story across every namespace of the flow's hops. */
  public Uni<OrderStory> acrossHops(String correlationId, FlowHops flow, Instant now) {
    List<String> namespaces = List.copyOf(new LinkedHashSet<>(flow.hops().stream().map(FlowHops.Hop::namespace)
        .toList()));
    return read(correlationId, namespaces, Optional.of(flow), now);
  }

  /**
   * The order's story as one namespace journaled it: events elsewhere are not read, and the flow's hops of other
   * namespaces are {@linkplain OrderStory#unreadHops() unread}.
   */
  public Uni<OrderStory> inNamespace(String correlationId, String namespace, Optional<FlowHops> flow, Instant now) {
    return read(correlationId, List.of(namespace), flow, now);
  }

  private Uni<OrderStory> read(String correlationId, List<String> namespaces, Optional<FlowHops> flow,
      Instant now) {
    return Multi.createFrom().iterable(namespaces)
        .onItem().transformToUniAndConcatenate(namespace -> events.list(new EventQuery(namespace, null, null, null,
            null, correlationId, null, null, MOST_EVENTS, null)).map(page -> Map.entry(namespace, page)))
        .collect().asList()
        .chain(pages -> {
          List<StoredEvent> found = pages.stream().flatMap(p -> p.getValue().events().stream()).toList();
          List<String> truncated = pages.stream().filter(p -> p.getValue().next() != null).map(Map.Entry::getKey)
              .toList();
          return Multi.createFrom().iterable(found)
              .onItem().transformToUniAndConcatenate(e -> events.attempts(e.id()).map(a -> Map.entry(e.id(), a)))
              .collect().asMap(Map.Entry::getKey, Map.Entry::getValue)
              .map(attempts -> OrderStory.of(correlationId, namespaces, flow, found, attempts, truncated, now));
        });
  }
}
