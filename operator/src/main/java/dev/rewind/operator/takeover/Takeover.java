package dev.rewind.operator.takeover;

import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryEngine;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.DeliveryOptions;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteCatalog;
import dev.rewind.journal.route.RouteTable;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.Store;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Delivers what no sidecar is there to deliver. A workload scaled to zero, deleted or crash-looping leaves its
 * pending and failed events due in the journal, and nothing else would ever attempt them again. The leader runs
 * the journal's own {@link DeliveryEngine} for every namespace with published routes, with the routes' own
 * retry policies; each engine claims only events overdue by {@code after}, so while a route's sidecars run they
 * deliver what falls due, and the operator steps in only for what they leave. An event keeps its id, its attempts
 * are journaled like any other (worker {@code <this replica>/<namespace>}), and the row locks and leases that
 * keep two sidecars from delivering one event twice do the same between a sidecar and the operator.
 *
 * <p>{@link #refresh} brings the engines in line with the published routes; the leader calls it periodically.
 */
public final class Takeover {

  private static final Logger LOG = Logger.getLogger(Takeover.class);
  /** How often an idle engine looks for overdue events: far below any sensible {@code after}. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

  private record Engine(RouteTable routes, DeliveryEngine engine) {}

  private final Vertx vertx;
  private final Store store;
  private final EventStore events;
  private final RouteCatalog catalog;
  private final AttemptRunner runner;
  private final DeliveryMetrics metrics;
  private final Set<String> namespaces;
  private final String worker;
  private final Duration after;
  private final int concurrency;
  private final int responseBodyLimit;
  private final Clock clock;
  private final Map<String, Engine> engines = new HashMap<>();

  /**
   * @param namespaces the watched namespaces (routes elsewhere are left alone); empty means all
   * @param worker this replica's name; each namespace's engine works as {@code worker/namespace}
   * @param after how long an event must be overdue before the operator delivers it
   * @param concurrency most attempts in flight per namespace
   */
  public Takeover(Store store, AttemptRunner runner, DeliveryMetrics metrics, Set<String> namespaces, String worker,
      Duration after, int concurrency, int responseBodyLimit, Clock clock) {
    this.vertx = store.vertx().getDelegate();
    this.store = store;
    this.events = new EventStore(store.pool());
    this.catalog = new RouteCatalog(store.pool());
    this.runner = runner;
    this.metrics = metrics;
    this.namespaces = Set.copyOf(namespaces);
    this.worker = worker;
    this.after = after;
    this.concurrency = concurrency;
    this.responseBodyLimit = responseBodyLimit;
    this.clock = clock;
  }

  /**
   * One engine per namespace that has published routes, serving exactly those routes; engines of namespaces left
   * without routes stop. Blocks for the store's answer (the leader's task thread calls it).
   */
  public synchronized void refresh() {
    Map<String, Map<String, ResolvedRoute>> wanted = byNamespace(
        catalog.loadAll().await().atMost(store.writeTimeout()));
    for (Map.Entry<String, Map<String, ResolvedRoute>> e : wanted.entrySet()) {
      Engine engine = engines.get(e.getKey());
      if (engine == null) {
        engine = start(e.getKey());
        engines.put(e.getKey(), engine);
      }
      engine.routes().replace(e.getValue());
    }
    for (String namespace : List.copyOf(engines.keySet())) {
      if (!wanted.containsKey(namespace)) {
        LOG.infof("Namespace %s has no routes left: the operator no longer delivers for it", namespace);
        engines.remove(namespace).engine().stop(Duration.ofSeconds(10)).await().atMost(Duration.ofSeconds(15));
      }
    }
  }

  /** Stops every engine: claimed events not yet attempted are given back, attempts under way get {@code grace}. */
  public synchronized void stop(Duration grace) {
    for (Engine engine : engines.values()) {
      engine.engine().stop(grace).await().atMost(grace.plusSeconds(5));
    }
    engines.clear();
  }

  /** The namespaces the operator currently delivers overdue events for. */
  public synchronized Set<String> namespaces() {
    return Set.copyOf(engines.keySet());
  }

  private Map<String, Map<String, ResolvedRoute>> byNamespace(List<ResolvedRoute> routes) {
    Map<String, Map<String, ResolvedRoute>> result = new TreeMap<>();
    for (ResolvedRoute route : routes) {
      if (namespaces.isEmpty() || namespaces.contains(route.namespace())) {
        result.computeIfAbsent(route.namespace(), n -> new LinkedHashMap<>()).put(route.name(), route);
      }
    }
    return result;
  }

  private Engine start(String namespace) {
    RouteTable routes = new RouteTable();
    DeliveryEngine engine = new DeliveryEngine(vertx, namespace, events, runner, routes,
        new DeliveryOptions(worker + "/" + namespace, concurrency, Duration.ofSeconds(60), POLL_INTERVAL,
            responseBodyLimit, DeliveryOptions.DEFAULT_MEMORY_BUDGET / 4, after),
        metrics, clock);
    engine.start().await().atMost(store.writeTimeout());
    LOG.infof("Delivering events of namespace %s that no sidecar delivered within %s of falling due", namespace,
        after);
    return new Engine(routes, engine);
  }
}
