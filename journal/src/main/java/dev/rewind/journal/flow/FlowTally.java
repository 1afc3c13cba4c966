package dev.rewind.journal.flow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where every order of a flow stands, counted: per state, per hop, and the broken ones by correlation id (oldest
 * first). Pure: built from the orders' hop events, so the operator's status and {@code rewind flow --broken} count
 * alike.
 *
 * @param reached per hop: orders whose furthest hop is that one or a later one
 * @param brokenAfter per hop: orders broken after it
 * @param failedAt per hop: orders that failed (dead) there
 * @param broken the broken orders' correlation ids, oldest break first
 */
public record FlowTally(long entered, long complete, long inFlight, long failed, List<Long> reached,
    List<Long> brokenAfter, List<Long> failedAt, List<Broken> broken) {

  /** An order broken after {@code hop}, delivered there at {@code since}. */
  public record Broken(String correlationId, int hop, Instant since) {}

  /** How many orders are broken. */
  public long brokenCount() {
    return broken.size();
  }

  /**
   * @param orders each order's (correlation id's) events on the flow's hops
   */
  public static FlowTally of(FlowHops flow, Map<String, ? extends Collection<HopEvent>> orders, Instant now) {
    int hops = flow.hops().size();
    long[] reached = new long[hops];
    long[] brokenAfter = new long[hops];
    long[] failedAt = new long[hops];
    long complete = 0;
    long inFlight = 0;
    long failed = 0;
    long entered = 0;
    List<Broken> broken = new ArrayList<>();
    for (Map.Entry<String, ? extends Collection<HopEvent>> order : orders.entrySet()) {
      Optional<FlowProgress> found = FlowProgress.of(hops, flow.within(), order.getValue(), now);
      if (found.isEmpty()) {
        continue;
      }
      FlowProgress p = found.get();
      entered++;
      for (int k = 0; k <= p.hop(); k++) {
        reached[k]++;
      }
      switch (p.state()) {
        case COMPLETE -> complete++;
        case IN_FLIGHT -> inFlight++;
        case FAILED -> {
          failed++;
          failedAt[p.hop()]++;
        }
        case BROKEN -> {
          brokenAfter[p.hop()]++;
          broken.add(new Broken(order.getKey(), p.hop(), p.since()));
        }
      }
    }
    broken.sort(Comparator.comparing(Broken::since).thenComparing(Broken::correlationId));
    return new FlowTally(entered, complete, inFlight, failed, list(reached), list(brokenAfter), list(failedAt),
        List.copyOf(broken));
  }

  private static List<Long> list(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long v : values) {
      list.add(v);
    }
    return List.copyOf(list);
  }
}
