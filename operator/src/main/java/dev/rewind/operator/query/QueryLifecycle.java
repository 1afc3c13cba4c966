package dev.rewind.operator.query;

import dev.rewind.journal.store.Store;
import dev.rewind.operator.config.OperatorConfig;
import dev.rewind.operator.config.StoreSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts the query API with Quarkus and stops it with Quarkus. Every replica serves it, leader or not: it only
 * reads the journal, through a pool of its own so that a burst of queries never holds the operator's connections.
 * It is an addition to the operator, not a condition of it: when it cannot start (no aggregation layer, RBAC
 * missing, port taken) the operator runs on and the start is retried every {@link #RETRY}.
 */
@ApplicationScoped
public class QueryLifecycle {

  private static final Logger LOG = Logger.getLogger(QueryLifecycle.class);

  private final KubernetesClient client;
  private final Vertx vertx;
  private final io.vertx.mutiny.core.Vertx mutinyVertx;
  private final QueryConfig config;
  private final OperatorConfig operatorConfig;
  static final Duration RETRY = Duration.ofSeconds(30);

  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "rewind-query-start");
    thread.setDaemon(true);
    return thread;
  });
  private QuerySettings settings;
  private Store store;
  private volatile QueryRuntime runtime;

  public QueryLifecycle(KubernetesClient client, Vertx vertx, io.vertx.mutiny.core.Vertx mutinyVertx,
      QueryConfig config, OperatorConfig operatorConfig) {
    this.client = client;
    this.vertx = vertx;
    this.mutinyVertx = mutinyVertx;
    this.config = config;
    this.operatorConfig = operatorConfig;
  }

  void start(@Observes StartupEvent event) {
    if (!config.enabled()) {
      LOG.info("The query API is disabled (rewind.query.enabled=false)");
      return;
    }
    settings = QuerySettings.from(config, client.getNamespace());
    store = new Store(mutinyVertx, StoreSettings.from(operatorConfig.store(), System.getenv()));
    tryStart();
  }

  private synchronized void tryStart() {
    if (retries.isShutdown()) {
      return;
    }
    try {
      runtime = QueryRuntime.start(client, vertx, settings, store.pool(), Clock.systemUTC());
    } catch (RuntimeException e) {
      LOG.errorf("The query API (%s) could not start, retrying in %s: %s", ApiDiscovery.GROUP_VERSION, RETRY,
          e.getMessage());
      LOG.debug("The query API's start failed", e);
      retries.schedule(this::tryStart, RETRY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  synchronized void stop(@Observes ShutdownEvent event) {
    retries.shutdownNow();
    if (runtime != null) {
      runtime.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** The running query API, for tests; null when disabled. */
  public QueryRuntime runtime() {
    return runtime;
  }
}
