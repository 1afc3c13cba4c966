package dev.rewind.sidecar;

import dev.rewind.journal.capture.CaptureMetrics;
import dev.rewind.journal.capture.CapturePipeline;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryEngine;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.DeliveryOptions;
import dev.rewind.journal.delivery.DirectorySecretSource;
import dev.rewind.journal.delivery.HttpDeliverer;
import dev.rewind.journal.delivery.KafkaDeliverer;
import dev.rewind.journal.delivery.SecretSource;
import dev.rewind.journal.route.RouteCatalog;
import dev.rewind.journal.route.RouteResolver;
import dev.rewind.journal.route.RouteTable;
import dev.rewind.journal.store.EmbeddedStore;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.Retention;
import dev.rewind.journal.store.SchemaBehindException;
import dev.rewind.journal.store.Senders;
import dev.rewind.journal.store.Store;
import dev.rewind.journal.store.StoreConfig;
import dev.rewind.sidecar.capture.CaptureServer;
import dev.rewind.sidecar.capture.Identity;
import dev.rewind.sidecar.capture.ProxyServer;
import dev.rewind.sidecar.capture.RequestCapture;
import dev.rewind.sidecar.config.KnownSettings;
import dev.rewind.sidecar.config.SettingBounds;
import dev.rewind.sidecar.config.SidecarConfig;
import dev.rewind.sidecar.identity.SenderReport;
import dev.rewind.sidecar.routes.FileRouteSource;
import dev.rewind.sidecar.routes.RouteSource;
import dev.rewind.sidecar.routes.StoreRouteSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Wires the sidecar at start, in order: the store (embedded when none is configured, standalone only), the routes
 * (all valid or no start), delivery, then the capture listeners last, so nothing is accepted before it can be
 * journaled and delivered. Stops in the reverse order.
 */
@ApplicationScoped
public class Sidecar {

  private static final Logger LOG = Logger.getLogger(Sidecar.class);

  @Inject
  SidecarConfig config;

  @Inject
  Vertx vertx;

  @Inject
  MeterRegistry meters;

  private EmbeddedStore embedded;
  private Store store;
  private EventStore events;
  private RouteSource routeSource;
  private DeliveryEngine engine;
  private HttpDeliverer deliverer;
  private KafkaDeliverer kafkaDeliverer;
  private CaptureServer captureServer;
  private ProxyServer proxyServer;
  private final RouteTable routes = new RouteTable();
  private long retentionTimer = -1;
  private long senderTimer = -1;

  void start(@Observes StartupEvent startup) {
    // Before anything starts: a misspelt variable or a value out of bounds stops the start naming the setting.
    KnownSettings.checkEnvironment(System.getenv());
    SettingBounds.check(config);
    try {
      startServices();
    } catch (RuntimeException e) {
      // Quarkus fires no ShutdownEvent after a failed start: stop what did start, above all the embedded
      // PostgreSQL, which would otherwise outlive this process.
      try {
        stop(null);
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw e;
    }
  }

  /**
   * Checks (or migrates) the schema. A schema older than this build is waited for, within the bound: on a new store
   * the operator migrates on its first use of it, and a pod created with the first Route (or right after the chart's
   * install) would otherwise start before that, exit and go into a restart backoff. Any other failure stops the start
   * at once.
   */
  static int prepared(Store store, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    boolean logged = false;
    while (true) {
      try {
        return store.prepare().await().atMost(bound);
      } catch (SchemaBehindException e) {
        if (System.nanoTime() - deadline >= 0) {
          throw e;
        }
        if (!logged) {
          LOG.infof("Journal schema at version %d: waiting for the operator to migrate it", e.version());
          logged = true;
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private void startServices() {
    boolean cluster = config.mode() == SidecarConfig.Mode.cluster;
    String worker = config.pod().orElseGet(Sidecar::hostName);
    store = new Store(vertx, storeConfig(cluster));
    int version = prepared(store, Duration.ofMinutes(2));
    events = new EventStore(store.pool());
    LOG.infof("Journal store %s ready (schema version %d)", store.config(), version);

    AddressPolicy addresses = new AddressPolicy(config.delivery().blockedCidrs().orElse(List.of()),
        config.delivery().allowLoopback().orElse(!cluster));
    java.util.function.Predicate<String> served = config.routes()
        .<java.util.function.Predicate<String>>map(names -> names::contains).orElse(name -> true);
    routeSource = cluster
        ? new StoreRouteSource(new RouteCatalog(store.pool()), vertx, store::connectOptions, config.namespace(),
            config.workload(), routes, served)
        : new FileRouteSource(Path.of(config.configDir()), config.namespace(), routes, new RouteResolver(addresses),
            vertx.getDelegate(), 2000, served);
    routeSource.start();

    SecretSource secrets = config.secretsDir().<SecretSource>map(d -> new DirectorySecretSource(Path.of(d)))
        .orElse(SecretSource.NONE);
    deliverer = new HttpDeliverer(vertx.getDelegate(), addresses, config.delivery().concurrency());
    kafkaDeliverer = new KafkaDeliverer(vertx.getDelegate(), addresses, secrets);
    AttemptRunner runner = new AttemptRunner(deliverer, kafkaDeliverer, secrets, Clock.systemUTC(),
        config.delivery().responseBodyLimit());
    engine = new DeliveryEngine(vertx.getDelegate(), config.namespace(), events, runner, routes,
        new DeliveryOptions(worker, config.delivery().concurrency(), config.delivery().lease(),
            config.delivery().pollInterval(), config.delivery().responseBodyLimit(),
            config.delivery().memoryBudget()),
        new DeliveryMetrics(meters), Clock.systemUTC());
    engine.start().await().atMost(Duration.ofSeconds(30));

    if (config.retention().enabled().orElse(!cluster)) {
      Retention retention = new Retention(config.retention().delivered(), config.retention().dead());
      retentionTimer = vertx.setPeriodic(config.retention().interval().toMillis(), id -> retention
          .apply(store.pool()).subscribe().with(
              n -> {
                if (n > 0) {
                  LOG.infof("Retention removed about %d completed events (a dropped day counts as its statistics"
                      + " say)", n);
                }
              },
              e -> LOG.warnf("Retention run failed: %s", e.getMessage())));
    }

    reportSender(worker);

    CaptureMetrics captureMetrics = new CaptureMetrics(meters);
    CapturePipeline pipeline = new CapturePipeline(events, engine, captureMetrics, config.store().writeTimeout());
    RequestCapture capture = new RequestCapture(pipeline, deliverer, captureMetrics,
        new Identity(config.namespace(), config.workload(), worker), config.capture().maxBodySize());
    captureServer = new CaptureServer(routes, capture);
    captureServer.listen(vertx.getDelegate(), config.capture().host(), config.capture().port())
        .toCompletionStage().toCompletableFuture().join();
    LOG.infof("Capture API on %s:%d (POST /v1/routes/{route}[/suffix])", config.capture().host(),
        captureServer.port());
    if (config.proxy().enabled()) {
      proxyServer = new ProxyServer(routes, capture);
      proxyServer.listen(vertx.getDelegate(), config.proxy().host(), config.proxy().port())
          .toCompletionStage().toCompletableFuture().join();
      LOG.infof("HTTP forward proxy on %s:%d", config.proxy().host(), proxyServer.port());
    }
  }

  /**
   * Records who this sidecar captures for, then refreshes it. A failed report only costs traces the pod's labels,
   * so it is logged and tried again at the next refresh rather than keeping capture from starting.
   */
  private void reportSender(String worker) {
    SenderReport report = new SenderReport(new Senders(store.pool()), config.namespace(), worker,
        config.workload(), config.labelsFile().filter(f -> !f.isBlank()).map(Path::of).orElse(null));
    Consumer<Throwable> failed = e -> LOG.warnf(
        "Recording this sender in the journal failed, next try in %s: %s", Retention.SENDER_REFRESH, e.getMessage());
    report.send().subscribe().with(v -> LOG.debug("Recorded this sender in the journal"), failed);
    senderTimer = vertx.setPeriodic(Retention.SENDER_REFRESH.toMillis(),
        id -> report.send().subscribe().with(v -> { }, failed));
  }

  private StoreConfig storeConfig(boolean cluster) {
    SidecarConfig.Store s = config.store();
    String url = s.url().filter(u -> !u.isBlank()).orElse(null);
    if (url == null) {
      if (cluster) {
        throw new IllegalStateException("rewind.store.url is required in cluster mode (REWIND_STORE_URL)");
      }
      // Stopped by stop(), after everything that uses it: no shutdown hook of its own racing Quarkus'.
      embedded = EmbeddedStore.start(Path.of(s.embeddedDataDir()), s.embeddedPort(), false);
      url = embedded.url();
      embedded.advertise(storeUrlFile());
      LOG.infof("No store configured: started an embedded PostgreSQL (data in %s)", s.embeddedDataDir());
    }
    return StoreConfig.fromUrl(url, s.password().orElse(null), s.poolSize(), s.migrate(), s.writeTimeout())
        .withCredentialsDir(s.credentialsDir().filter(d -> !d.isBlank()).map(Path::of).orElse(null));
  }

  void stop(@Observes ShutdownEvent shutdown) {
    try {
      stopServices();
    } finally {
      // Whatever failed above, PostgreSQL must not outlive this process: it has no shutdown hook of its own.
      stopEmbeddedStore();
    }
  }

  private void stopServices() {
    if (retentionTimer != -1) {
      vertx.cancelTimer(retentionTimer);
    }
    if (senderTimer != -1) {
      vertx.cancelTimer(senderTimer);
    }
    if (proxyServer != null) {
      proxyServer.close().toCompletionStage().toCompletableFuture().join();
    }
    if (captureServer != null) {
      captureServer.close().toCompletionStage().toCompletableFuture().join();
    }
    if (engine != null) {
      engine.stop(config.delivery().shutdownGrace()).await().atMost(config.delivery().shutdownGrace()
          .plusSeconds(5));
    }
    if (routeSource != null) {
      routeSource.close();
    }
    if (kafkaDeliverer != null) {
      kafkaDeliverer.close();
    }
    if (deliverer != null) {
      deliverer.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** Last, once nothing uses it; at most once. */
  private void stopEmbeddedStore() {
    if (embedded != null) {
      EmbeddedStore stopping = embedded;
      embedded = null;
      EmbeddedStore.withdraw(storeUrlFile());
      stopping.close();
    }
  }

  /** Where the embedded store's URL is written for the CLI: next to its data directory. */
  private Path storeUrlFile() {
    return Path.of(config.store().embeddedDataDir()).toAbsolutePath().resolveSibling(EmbeddedStore.URL_FILE);
  }

  public Store store() {
    return store;
  }

  public EventStore events() {
    return events;
  }

  public RouteTable routes() {
    return routes;
  }

  public RouteSource routeSource() {
    return routeSource;
  }

  public DeliveryEngine engine() {
    return engine;
  }

  public int capturePort() {
    return captureServer.port();
  }

  public int proxyPort() {
    return proxyServer == null ? -1 : proxyServer.port();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "rewind-" + ProcessHandle.current().pid();
    }
  }
}
