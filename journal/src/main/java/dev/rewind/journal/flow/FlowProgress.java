package dev.rewind.journal.flow;

import dev.rewind.api.v1alpha1.common.EventState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one correlation id (one order) stands in a flow of {@code hops} hops, from the events its hops journaled.
 * Pure: the operator's evaluation, {@code rewind flow} and the replay of broken flows all judge an order the same
 * way.
 *
 * <p>The furthest hop with an event decides; at that hop the most advanced of its events counts (an order sent
 * twice, or replayed, has several): delivered before still being tried before dead, and among deliveries the
 * latest, so a replayed hop gives the next one {@code within} again.
 *
 * <ul>
 *   <li>{@link State#COMPLETE}: the last hop delivered it.
 *   <li>{@link State#IN_FLIGHT}: its furthest hop is still trying, or delivered it less than {@code within} ago and
 *       the next hop has not captured it yet.
 *   <li>{@link State#FAILED}: its furthest hop gave up (dead): Rewind's own delivery failed there, and a Replay of
 *       that hop's dead events recovers it.
 *   <li>{@link State#BROKEN}: hop k delivered it more than {@code within} ago and hop k+1 never captured it: the
 *       service behind hop k accepted it and did not pass it on — the loss no single hop shows.
 * </ul>
 *
 * @param hop the hop the state is about: the furthest hop reached (for BROKEN, the last hop that delivered it)
 * @param since when the order got there: the delivery or death at {@code hop}, or its capture while in progress
 */
public record FlowProgress(State state, int hop, Instant since) {

  /** Where an order stands. */
  public enum State {
    COMPLETE, IN_FLIGHT, FAILED, BROKEN;

    public String wireName() {
      return switch (this) {
        case COMPLETE -> "complete";
        case IN_FLIGHT -> "inFlight";
        case FAILED -> "failed";
        case BROKEN -> "broken";
      };
    }
  }

  public FlowProgress {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
  }

  /**
   * @param hops how many hops the flow has (2 or more)
   * @param within how long a hop may take to capture what the previous hop delivered
   * @param events the order's events on the flow's hops; none means the order is not in the flow
   * @return empty when no hop has an event
   */
  public static Optional<FlowProgress> of(int hops, Duration within, Collection<HopEvent> events, Instant now) {
    if (hops < 2) {
      throw new IllegalArgumentException("a flow has 2 hops or more, not " + hops);
    }
    int furthest = -1;
    for (HopEvent e : events) {
      if (e.hop() >= hops) {
        throw new IllegalArgumentException("event of hop " + e.hop() + " in a flow of " + hops + " hops");
      }
      furthest = Math.max(furthest, e.hop());
    }
    if (furthest < 0) {
      return Optional.empty();
    }
    int hop = furthest;
    List<HopEvent> there = events.stream().filter(e -> e.hop() == hop).toList();
    Optional<HopEvent> delivered = there.stream().filter(e -> e.state() == EventState.DELIVERED)
        .max(Comparator.comparing(HopEvent::completedAt));
    if (delivered.isPresent()) {
      Instant at = delivered.get().completedAt();
      if (hop == hops - 1) {
        return Optional.of(new FlowProgress(State.COMPLETE, hop, at));
      }
      boolean overdue = Duration.between(at, now).compareTo(within) > 0;
      return Optional.of(new FlowProgress(overdue ? State.BROKEN : State.IN_FLIGHT, hop, at));
    }
    Optional<HopEvent> trying = there.stream().filter(e -> e.state() != EventState.DEAD)
        .min(Comparator.comparing(HopEvent::receivedAt));
    if (trying.isPresent()) {
      return Optional.of(new FlowProgress(State.IN_FLIGHT, hop, trying.get().receivedAt()));
    }
    HopEvent dead = there.stream().max(Comparator.comparing(HopEvent::completedAt)).orElseThrow();
    return Optional.of(new FlowProgress(State.FAILED, hop, dead.completedAt()));
  }
}
