package dev.rewind.operator.webhook;

import dev.rewind.operator.webhook.patch.PodInjector;
import dev.rewind.operator.webhook.registration.WebhookRegistrar;
import dev.rewind.operator.webhook.tls.CertificateSource;
import dev.rewind.operator.webhook.tls.GeneratedCertificates;
import dev.rewind.operator.webhook.tls.MountedCertificates;
import dev.rewind.operator.webhook.tls.RenewalPolicy;
import dev.rewind.operator.webhook.tls.ServingCertificate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The running sidecar injector: its HTTPS server, its certificate, its MutatingWebhookConfiguration and the watch for
 * pods that missed it. Started by {@link SidecarInjectorLifecycle} in production and directly by tests, so both go
 * through this wiring.
 *
 * <p>Order matters for a webhook: the server listens before the configuration points the API server at it, and on
 * every renewal the new CA is trusted (in the caBundle) before the server presents a certificate it signed.
 */
public final class SidecarInjector implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(SidecarInjector.class);

  private final InjectorSettings settings;
  private final CertificateSource certificates;
  private final WebhookRegistrar registrar;
  private final WebhookServer server;
  private final InjectionMetrics metrics;
  private final ScheduledExecutorService checks;
  private UninjectedPodWatcher watcher;
  private ServingCertificate serving;

  private SidecarInjector(KubernetesClient client, Vertx vertx, InjectorSettings settings, MeterRegistry registry,
      Clock clock) {
    this.settings = settings;
    this.metrics = new InjectionMetrics(registry);
    this.certificates = certificateSource(client, settings, clock);
    this.registrar = new WebhookRegistrar(client, settings);
    this.serving = certificates.current();
    this.server = WebhookServer.start(vertx, settings.host(), settings.port(), serving,
        new AdmissionHandler(new PodInjector(settings.sidecar()), metrics));
    this.checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "rewind-injector-checks");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts everything and returns once the webhook is registered and served. Fails if any of it fails. */
  public static SidecarInjector start(KubernetesClient client, Vertx vertx, InjectorSettings settings,
      MeterRegistry registry, Clock clock) {
    SidecarInjector injector = new SidecarInjector(client, vertx, settings, registry, clock);
    try {
      injector.registrar.ensure(injector.caBundle(injector.serving));
      if (settings.watchUninjected()) {
        injector.watcher = UninjectedPodWatcher.start(client, settings, injector.metrics, clock);
      }
    } catch (RuntimeException e) {
      injector.close();
      throw e;
    }
    long interval = settings.tls().checkInterval().toMillis();
    injector.checks.scheduleWithFixedDelay(injector::checkAndLog, interval, interval, TimeUnit.MILLISECONDS);
    return injector;
  }

  /**
   * One check, as the schedule runs it: renew or re-read the certificate, keep the configuration as it should be
   * (with the CA bundle), and only then serve a changed certificate. Tests call it to run a check now.
   */
  public synchronized void check() {
    ServingCertificate next = certificates.current();
    registrar.ensure(caBundle(next));
    if (!next.equals(serving)) {
      server.useCertificate(next);
      serving = next;
      LOG.infof("The webhook server now serves a certificate valid until %s", next.notAfter());
    }
  }

  /** The HTTPS port, once started (useful with port 0). */
  public int port() {
    return server.port();
  }

  public ServingCertificate servingCertificate() {
    return serving;
  }

  /** The un-injected pod watch, when enabled. */
  public Optional<UninjectedPodWatcher> watcher() {
    return Optional.ofNullable(watcher);
  }

  /**
   * Stops serving. The MutatingWebhookConfiguration stays: another replica may be serving, and what happens to pods
   * meanwhile is the failure policy's call (WEBHOOK.md).
   */
  @Override
  public synchronized void close() {
    checks.shutdownNow();
    if (watcher != null) {
      watcher.close();
    }
    server.close();
  }

  private void checkAndLog() {
    try {
      check();
    } catch (RuntimeException e) {
      // The schedule must survive a failed check (API server briefly away); the next one retries, and the
      // certificate is renewed with a month to spare, so a few failures cost nothing.
      LOG.errorf(e, "Checking the webhook certificate and registration failed; retrying in %s",
          settings.tls().checkInterval());
    }
  }

  private Optional<String> caBundle(ServingCertificate certificate) {
    return certificates.providesCaBundle() ? Optional.of(certificate.caBundlePem()) : Optional.empty();
  }

  private static CertificateSource certificateSource(KubernetesClient client, InjectorSettings settings,
      Clock clock) {
    InjectorSettings.Tls tls = settings.tls();
    return switch (tls.mode()) {
      case GENERATED -> new GeneratedCertificates(client, settings.namespace(), tls.secretName(),
          settings.certificateHosts(), tls.validity(), new RenewalPolicy(tls.renewBefore()), clock);
      case CERT_MANAGER -> new MountedCertificates(Path.of(tls.certDir()));
    };
  }
}
