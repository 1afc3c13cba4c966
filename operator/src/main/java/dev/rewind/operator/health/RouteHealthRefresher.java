package dev.rewind.operator.health;

import dev.rewind.journal.health.RouteHealth;
import dev.rewind.journal.health.RouteHealthQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The leader's health refresh: every interval, one grouped query ({@link RouteHealthQuery}) reads every route's
 * health from the journal store; the {@link RouteHealthBoard} keeps it, the gauges show it, and the Routes whose
 * health changed are reconciled, which writes their status and Events. Cost per interval: one query, bounded by the
 * backlog, the dead and the deliveries of the window (see the query), plus one status write per Route whose figures
 * changed.
 */
public final class RouteHealthRefresher {

  private static final Logger LOG = Logger.getLogger(RouteHealthRefresher.class);

  private final RouteHealthQuery query;
  private final RouteHealthBoard board;
  private final RouteHealthMetrics metrics;
  private final Set<String> namespaces;
  private final Duration window;
  private final Duration timeout;
  private final Clock clock;
  private final Consumer<String> changed;

  /**
   * @param namespaces the watched namespaces; empty means all
   * @param window what "recently" means: deliveries and deaths are counted over it
   * @param timeout longest the query may take
   * @param changed told each {@code namespace/route} whose health changed
   */
  public RouteHealthRefresher(RouteHealthQuery query, RouteHealthBoard board, RouteHealthMetrics metrics,
      Set<String> namespaces, Duration window, Duration timeout, Clock clock, Consumer<String> changed) {
    this.query = query;
    this.board = board;
    this.metrics = metrics;
    this.namespaces = Set.copyOf(namespaces);
    this.window = window;
    this.timeout = timeout;
    this.clock = clock;
    this.changed = changed;
  }

  /** One refresh; blocks for the store's answer (the leader's task thread calls it). */
  public void refresh() {
    Instant now = clock.instant();
    long started = System.nanoTime();
    List<RouteHealth> all = query.read(namespaces, now.minus(window), now).await().atMost(timeout);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    Set<String> keys = board.replace(all);
    metrics.update(board.readings(), took, now);
    LOG.debugf("Route health of %d routes read in %d ms; %d changed", all.size(), took.toMillis(), keys.size());
    keys.forEach(changed);
  }

  /** This replica stopped leading. */
  public void stop() {
    board.clear();
    metrics.clear();
  }
}
