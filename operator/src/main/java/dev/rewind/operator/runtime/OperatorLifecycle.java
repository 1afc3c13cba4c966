package dev.rewind.operator.runtime;

import dev.rewind.journal.store.Store;
import dev.rewind.journal.store.StoreConfig;
import dev.rewind.operator.config.EnvironmentKeys;
import dev.rewind.operator.config.OperatorConfig;
import dev.rewind.operator.config.OperatorSettings;
import dev.rewind.operator.config.StoreSettings;
import dev.rewind.operator.webhook.InjectorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Starts the operator when Quarkus starts, on Quarkus' Kubernetes client and Vert.x, and stops it gracefully
 * (reconciliations under way finish, then the store pool closes) when Quarkus stops.
 */
@ApplicationScoped
public class OperatorLifecycle {

  private static final Logger LOG = Logger.getLogger(OperatorLifecycle.class);

  private final KubernetesClient client;
  private final Vertx vertx;
  private final OperatorConfig config;
  private final InjectorConfig injector;
  private final MeterRegistry meters;
  private Store store;
  private RewindOperator operator;

  public OperatorLifecycle(KubernetesClient client, Vertx vertx, OperatorConfig config, InjectorConfig injector,
      MeterRegistry meters) {
    this.client = client;
    this.injector = injector;
    this.vertx = vertx;
    this.config = config;
    this.meters = meters;
  }

  void start(@Observes StartupEvent event) {
    EnvironmentKeys.check(System.getenv());
    // Namespace credentials go into the Secret the injector mounts into every sidecar.
    OperatorSettings settings = OperatorSettings.from(config).withTenantSecret(injector.store().passwordSecret());
    StoreConfig storeConfig = StoreSettings.from(config.store(), System.getenv());
    LOG.infof("Publishing routes to, and replaying from, the journal store %s", storeConfig);
    store = new Store(vertx, storeConfig);
    // JOSDK's reconciliation meters and the replay attempts' go to the same registry, scraped on /q/metrics.
    operator = new RewindOperator(client, settings, store, MicrometerMetricsV2.newBuilder(meters).build(), meters,
        Clock.systemUTC(), () -> Quarkus.asyncExit(1));
    operator.start();
  }

  void stop(@Observes ShutdownEvent event) {
    if (operator != null) {
      operator.stop();
    }
    if (store != null) {
      store.close();
    }
  }

  /** The running operator, for health checks and tests. */
  public RewindOperator operator() {
    return operator;
  }
}
