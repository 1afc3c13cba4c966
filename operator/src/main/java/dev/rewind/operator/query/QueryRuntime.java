package dev.rewind.operator.query;

import dev.rewind.operator.webhook.InjectorConfig;
import dev.rewind.operator.webhook.tls.CertificateSource;
import dev.rewind.operator.webhook.tls.GeneratedCertificates;
import dev.rewind.operator.webhook.tls.MountedCertificates;
import dev.rewind.operator.webhook.tls.RenewalPolicy;
import dev.rewind.operator.webhook.tls.ServingCertificate;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The running query API: its server, its serving certificate (generated and kept in a Secret, or mounted from
 * cert-manager's), the APIService's caBundle and the front proxy's CA, checked again every check interval. Runs on
 * every replica; it only reads.
 */
public final class QueryRuntime implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(QueryRuntime.class);

  private final KubernetesClient client;
  private final QuerySettings settings;
  private final CertificateSource certificates;
  private final QueryServer server;
  private final ScheduledExecutorService checks;
  private ServingCertificate serving;
  private RequestHeaderAuthentication trust;

  private QueryRuntime(KubernetesClient client, Vertx vertx, QuerySettings settings, Pool pool,
      Clock clock) {
    this.client = client;
    this.settings = settings;
    this.certificates = switch (settings.tls().mode()) {
      case GENERATED -> new GeneratedCertificates(client, settings.namespace(), settings.tls().secretName(),
          settings.certificateHosts(), settings.tls().validity(), new RenewalPolicy(settings.tls().renewBefore()),
          clock);
      case CERT_MANAGER -> new MountedCertificates(Path.of(settings.tls().certDir()));
    };
    this.serving = certificates.current();
    this.trust = readTrust(client);
    QueryApi api = new QueryApi(pool, client, new AccessReviews(client, clock), settings.storeTimeout(), clock);
    this.server = QueryServer.start(vertx, settings.host(), settings.port(), serving, trust, api, clock);
    this.checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "rewind-query-checks");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts serving; returns once the server listens. */
  public static QueryRuntime start(KubernetesClient client, Vertx vertx, QuerySettings settings, Pool pool,
      Clock clock) {
    QueryRuntime runtime = new QueryRuntime(client, vertx, settings, pool, clock);
    runtime.ensureCaBundleAndLog();
    long interval = settings.tls().checkInterval().toMillis();
    runtime.checks.scheduleWithFixedDelay(runtime::checkAndLog, interval, interval, TimeUnit.MILLISECONDS);
    return runtime;
  }

  /** The front proxy's trust as kube-apiserver publishes it. */
  public static RequestHeaderAuthentication readTrust(KubernetesClient client) {
    ConfigMap map = client.configMaps().inNamespace(RequestHeaderAuthentication.NAMESPACE)
        .withName(RequestHeaderAuthentication.CONFIG_MAP).get();
    if (map == null) {
      throw new IllegalStateException("ConfigMap " + RequestHeaderAuthentication.NAMESPACE + "/"
          + RequestHeaderAuthentication.CONFIG_MAP + " not found: the query API needs kube-apiserver's aggregation"
          + " layer (and RoleBinding to extension-apiserver-authentication-reader to read it)");
    }
    return RequestHeaderAuthentication.fromConfigMap(map.getData());
  }

  /** One check: certificate (renewed or re-read), the APIService's caBundle, the front proxy's CA. */
  public synchronized void check() {
    ServingCertificate next = certificates.current();
    RequestHeaderAuthentication nextTrust = readTrust(client);
    // The APIService trusts the new CA before the server presents a certificate it signed.
    if (settings.apiService() != null && settings.tls().mode() == InjectorConfig.TlsMode.GENERATED) {
      ApiServiceCaBundle.ensure(client, settings.apiService(), next.caBundlePem());
    }
    if (!next.equals(serving) || !nextTrust.equals(trust)) {
      server.update(next, nextTrust);
      serving = next;
      trust = nextTrust;
      LOG.infof("The query server now serves a certificate valid until %s", next.notAfter());
    }
  }

  public int port() {
    return server.port();
  }

  /** The CA bundle kube-apiserver must trust for this server (the APIService's caBundle). */
  public String caBundlePem() {
    return serving.caBundlePem();
  }

  @Override
  public synchronized void close() {
    checks.shutdownNow();
    server.close();
  }

  private void ensureCaBundle() {
    if (settings.apiService() != null && settings.tls().mode() == InjectorConfig.TlsMode.GENERATED) {
      ApiServiceCaBundle.ensure(client, settings.apiService(), serving.caBundlePem());
    }
  }

  private void ensureCaBundleAndLog() {
    try {
      ensureCaBundle();
    } catch (RuntimeException e) {
      LOG.errorf(e, "Setting the APIService's caBundle failed; retrying in %s", settings.tls().checkInterval());
    }
  }

  private void checkAndLog() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.errorf(e, "Checking the query API's certificate and trust failed; retrying in %s",
          settings.tls().checkInterval());
    }
  }
}
