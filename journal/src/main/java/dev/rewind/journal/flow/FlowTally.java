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
 * @param broken the broken orders, oldest break first: each stopped after the hop that last delivered it
 * @param failures the failed orders, oldest death first: each stopped at the hop that gave up on it
 */
public record FlowTally(long entered, long complete, long inFlight, long failed, List<Long> reached,
    List<Long> brokenAfter, List<Long> failedAt, List<Stopped> broken, List<Stopped> failures) {

  /**
   * An order that stopped at {@code hop}: broken after it (delivered there at {@code since}, never captured by the
   * next) or failed there (its events died at {@code since}).
   */
  public record Stopped(String correlationId, int hop, Instant since) {}

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
    List<Stopped> broken = new ArrayList<>();
    List<Stopped> failures = new ArrayList<>();
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
          failures.add(new Stopped(order.getKey(), p.hop(), p.since()));
        }
        case BROKEN -> {
          brokenAfter[p.hop()]++;
          broken.add(new Stopped(order.getKey(), p.hop(), p.since()));
        }
      }
    }
    Comparator<Stopped> oldestFirst = Comparator.comparing(Stopped::since).thenComparing(Stopped::correlationId);
    broken.sort(oldestFirst);
    failures.sort(oldestFirst);
    return new FlowTally(entered, complete, inFlight, failed, list(reached), list(brokenAfter), list(failedAt),
        List.copyOf(broken), List.copyOf(failures));
  }

  private static List<Long> list(long[] values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long v : values) {
      list.add(v);
    }
    return List.copyOf(list);
  }
}
