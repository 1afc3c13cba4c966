package dev.rewind.journal.flow;

import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The whole story of one order: every event journaled with its correlation id in the namespaces read, in time order,
 * each with its attempts and, when the order is followed along a flow, the hop it was captured at; and where the
 * order stands in that flow. Pure: {@link OrderStoryReader} reads the journal, {@code rewind flow} prints the story
 * and the sidecar's admin API answers it as JSON, so both tell the same story.
 *
 * <p>Only the events of the namespaces read are known. A flow's hop in a namespace not read (a sidecar reads its own
 * only) is {@linkplain #unreadHops() unread}: the order may have reached it unseen, so the progress, judged from the
 * hops read, is {@linkplain #conclusive() conclusive} only when no hop after the one it is about went unread.
 *
 * @param namespaces the namespaces whose events were read, in the order given
 * @param flow the flow the order is followed along; empty when it is not, and no event has a hop
 * @param events the events found, oldest capture first (ties in id order)
 * @param progress where the order stands in the flow, judged from the events of its hops read; empty without a flow
 *     or when no hop read has an event of it
 * @param unreadHops the indexes of the flow's hops in a namespace not read, ascending
 * @param truncated the namespaces that had more events of the order than were read: the story omits their latest
 */
public record OrderStory(String correlationId, List<String> namespaces, Optional<FlowHops> flow, List<Event> events,
    Optional<FlowProgress> progress, List<Integer> unreadHops, List<String> truncated) {

  /**
   * One event of the story.
   *
   * @param hop the flow's hop that captured it; empty without a flow or when its route is not a hop of the flow
   * @param attempts its delivery attempts, oldest first
   */
  public record Event(StoredEvent event, OptionalInt hop, List<AttemptRecord> attempts) {

    public Event {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(hop, "hop");
      attempts = List.copyOf(attempts);
    }
  }

  public OrderStory {
    Objects.requireNonNull(correlationId, "correlationId");
    namespaces = List.copyOf(namespaces);
    Objects.requireNonNull(flow, "flow");
    events = List.copyOf(events);
    Objects.requireNonNull(progress, "progress");
    unreadHops = List.copyOf(unreadHops);
    truncated = List.copyOf(truncated);
  }

  /**
   * Tells the story of what was read.
   *
   * @param namespaces the namespaces read: a hop of {@code flow} elsewhere is unread
   * @param found the events read (of those namespaces, with the correlation id), in any order
   * @param attempts each event's attempts by its id; an event missing here has none
   * @param truncated the namespaces that had more events than {@code found} holds
   * @param now the time the progress is judged at (a hop's {@code within} runs until it)
   */
  public static OrderStory of(String correlationId, Collection<String> namespaces, Optional<FlowHops> flow,
      Collection<StoredEvent> found, Map<UUID, List<AttemptRecord>> attempts, Collection<String> truncated,
      Instant now) {
    List<StoredEvent> sorted = new ArrayList<>(found);
    sorted.sort(Comparator.comparing(StoredEvent::receivedAt).thenComparing(StoredEvent::id));
    List<Event> events = new ArrayList<>(sorted.size());
    for (StoredEvent e : sorted) {
      events.add(new Event(e, flow.map(f -> hopOf(f, e)).orElse(OptionalInt.empty()),
          attempts.getOrDefault(e.id(), List.of())));
    }
    List<Integer> unread = new ArrayList<>();
    Optional<FlowProgress> progress = Optional.empty();
    if (flow.isPresent()) {
      FlowHops f = flow.get();
      Set<String> read = Set.copyOf(namespaces);
      for (int k = 0; k < f.hops().size(); k++) {
        if (!read.contains(f.hops().get(k).namespace())) {
          unread.add(k);
        }
      }
      progress = FlowProgress.of(f.hops().size(), f.within(), events.stream().filter(e -> e.hop().isPresent())
          .map(e -> new HopEvent(e.hop().getAsInt(), e.event().state(), e.event().receivedAt(),
              e.event().completedAt())).toList(), now);
    }
    return new OrderStory(correlationId, List.copyOf(new LinkedHashSet<>(namespaces)), flow, events,
        progress, unread, List.copyOf(new TreeSet<>(truncated)));
  }

  /** The hop of {@code flow} whose route journaled {@code event}, if any. */
  public static OptionalInt hopOf(FlowHops flow, StoredEvent event) {
    int hop = flow.hops().indexOf(new FlowHops.Hop(event.namespace(), event.route()));
    return hop < 0 ? OptionalInt.empty() : OptionalInt.of(hop);
  }

  /** The events the flow's hop {@code hop} captured, oldest first. */
  public List<Event> at(int hop) {
    return events.stream().filter(e -> e.hop().isPresent() && e.hop().getAsInt() == hop).toList();
  }

  /** Whether the flow's hop {@code hop} is in a namespace read. */
  public boolean read(int hop) {
    return !unreadHops.contains(hop);
  }

  /**
   * Whether the progress tells where the order stands, not only how far it got on the hops read: no hop after the
   * one the progress is about went unread (the furthest hop with an event decides). Without a progress, whether
   * every hop was read, so that none captured the order. True without a flow.
   */
  public boolean conclusive() {
    if (progress.isEmpty()) {
      return unreadHops.isEmpty();
    }
    int hop = progress.get().hop();
    return unreadHops.stream().noneMatch(k -> k > hop);
  }

  /** Whether the order stopped in the flow: broken after a hop, or failed at one. */
  public boolean stopped() {
    return progress.map(p -> p.state() == FlowProgress.State.BROKEN || p.state() == FlowProgress.State.FAILED)
        .orElse(false);
  }
}
