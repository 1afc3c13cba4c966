package dev.rewind.operator.query;

import dev.rewind.journal.store.EventStore;
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
import org.jboss.logging.Logger;

/**
 * Starts the query API with Quarkus and stops it with Quarkus. Every replica serves it, leader or not: it only
 * reads the journal, through a pool of its own so that a burst of queries never holds the operator's connections.
 */
@ApplicationScoped
public class QueryLifecycle {

  private static final Logger LOG = Logger.getLogger(QueryLifecycle.class);

  private final KubernetesClient client;
  private final Vertx vertx;
  private final io.vertx.mutiny.core.Vertx mutinyVertx;
  private final QueryConfig config;
  private final OperatorConfig operatorConfig;
  private Store store;
  private QueryRuntime runtime;

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
    QuerySettings settings = QuerySettings.from(config, client.getNamespace());
    store = new Store(mutinyVertx, StoreSettings.from(operatorConfig.store(), System.getenv()));
    runtime = QueryRuntime.start(client, vertx, settings, new EventStore(store.pool()), Clock.systemUTC());
  }

  void stop(@Observes ShutdownEvent event) {
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
