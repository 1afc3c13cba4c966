package dev.rewind.operator.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Starts the sidecar injector with Quarkus, on Quarkus' Kubernetes client and Vert.x, and stops it with Quarkus.
 * It runs on every replica, leader or not: the webhook Service spreads the API server's calls over all of them.
 */
@ApplicationScoped
public class SidecarInjectorLifecycle {

  private static final Logger LOG = Logger.getLogger(SidecarInjectorLifecycle.class);

  private final KubernetesClient client;
  private final Vertx vertx;
  private final InjectorConfig config;
  private final Instance<MeterRegistry> registries;
  private SidecarInjector injector;

  public SidecarInjectorLifecycle(KubernetesClient client, Vertx vertx, InjectorConfig config,
      Instance<MeterRegistry> registries) {
    this.client = client;
    this.vertx = vertx;
    this.config = config;
    this.registries = registries;
  }

  void start(@Observes StartupEvent event) {
    if (!config.enabled()) {
      LOG.info("Sidecar injection is disabled (rewind.injector.enabled=false)");
      return;
    }
    InjectorSettings settings = InjectorSettings.from(config, client.getNamespace(),
        ConfigProvider.getConfig().getOptionalValue("rewind.store.url", String.class),
        Optional.ofNullable(System.getenv("KUBERNETES_SERVICE_HOST")));
    // A Micrometer registry bean exists once a Quarkus Micrometer extension is on the class path; until then the
    // counts go to Micrometer's global registry.
    MeterRegistry registry = registries.isResolvable() ? registries.get() : Metrics.globalRegistry;
    injector = SidecarInjector.start(client, vertx, settings, registry, Clock.systemUTC());
  }

  void stop(@Observes ShutdownEvent event) {
    if (injector != null) {
      injector.close();
    }
  }

  /** The running injector, for tests; null when disabled. */
  public SidecarInjector injector() {
    return injector;
  }
}
