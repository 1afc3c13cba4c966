package dev.rewind.sidecar.routes;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteCatalog;
import dev.rewind.journal.route.RouteTable;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * In-cluster routes: the resolved routes the operator published for this namespace, kept to those this workload
 * serves. A notification on the store's routes channel triggers a reload, so an edited Route or RetryPolicy
 * applies within a second or two, without a restart. A periodic reload covers lost notifications.
 */
public final class StoreRouteSource implements RouteSource {

  private static final Logger LOG = Logger.getLogger(StoreRouteSource.class);

  private final RouteCatalog catalog;
  private final Vertx vertx;
  /** Read anew for every (re)connection: credentials from a mounted Secret may have been rotated since. */
  private final Supplier<PgConnectOptions> connectOptions;
  private final String namespace;
  private final String workload;
  private final RouteTable table;
  private final java.util.function.Predicate<String> selected;
  private final AtomicBoolean reloading = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private PgSubscriber subscriber;
  private int failedConnects;
  private volatile boolean closed;
  private long timer = -1;
  private volatile boolean healthy;

  public StoreRouteSource(RouteCatalog catalog, Vertx vertx, Supplier<PgConnectOptions> connectOptions,
      String namespace,
      String workload, RouteTable table, java.util.function.Predicate<String> served) {
    this.selected = served;
    this.catalog = catalog;
    this.vertx = vertx;
    this.connectOptions = connectOptions;
    this.namespace = namespace;
    this.workload = workload;
    this.table = table;
  }

  @Override
  public void start() {
    apply(catalog.load(namespace).await().atMost(Duration.ofSeconds(30)));
    subscribe();
    timer = vertx.setPeriodic(30_000, id -> reload());
  }

  /**
   * A listening session with the credentials of the moment. It does not reconnect by itself, since it would log in
   * again with the password it was made with, which a rotation may have changed: when it ends, a new one is made,
   * after 1 s, then backing off to 30 s while logins fail (each a failed login in the store's log).
   */
  private synchronized void subscribe() {
    if (closed) {
      return;
    }
    AtomicBoolean ended = new AtomicBoolean();
    Runnable again = () -> {
      if (ended.compareAndSet(false, true) && !closed) {
        long delay = Math.min(30_000L, 1000L << Math.min(failedConnects, 5));
        vertx.setTimer(delay, id -> subscribe());
      }
    };
    PgSubscriber next = RouteCatalog.listen(vertx, connectOptions.get(), namespace, this::reload);
    next.reconnectPolicy(retries -> -1L);
    next.closeHandler(() -> {
      LOG.debug("Route notifications disconnected; connecting again");
      again.run();
    });
    subscriber = next;
    next.connect().subscribe().with(v -> failedConnects = 0, e -> {
      if (failedConnects++ == 0) {
        LOG.warnf("Route notifications unavailable (%s); reloading every 30 s until they are back", e.getMessage());
      }
      again.run();
    });
  }

  /** Coalesces bursts of notifications into at most one reload in flight plus one queued. */
  private void reload() {
    if (!reloading.compareAndSet(false, true)) {
      again.set(true);
      return;
    }
    catalog.load(namespace).subscribe().with(
        routes -> {
          apply(routes);
          finished();
        },
        failure -> {
          healthy = false;
          LOG.warnf("Could not reload routes of %s: %s", namespace, failure.getMessage());
          finished();
        });
  }

  private void finished() {
    reloading.set(false);
    if (again.getAndSet(false)) {
      reload();
    }
  }

  private void apply(List<ResolvedRoute> routes) {
    Map<String, ResolvedRoute> served = new HashMap<>();
    for (ResolvedRoute r : routes) {
      if (r.servedBy(workload) && selected.test(r.name())) {
        served.put(r.name(), r);
      }
    }
    boolean changed = !served.equals(table.all());
    table.replace(served);
    healthy = true;
    if (changed) {
      LOG.infof("Serving routes of %s for workload %s: %s", namespace, workload, served.keySet());
    }
  }

  @Override
  public boolean healthy() {
    return healthy;
  }

  @Override
  public void close() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    PgSubscriber last;
    synchronized (this) {
      closed = true;
      last = subscriber;
    }
    if (last != null) {
      last.close().await().atMost(Duration.ofSeconds(5));
    }
  }
}
