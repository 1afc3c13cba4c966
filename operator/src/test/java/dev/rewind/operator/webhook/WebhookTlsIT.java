package dev.rewind.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.operator.webhook.registration.DesiredWebhookConfiguration;
import dev.rewind.operator.webhook.tls.GeneratedCertificates;
import dev.rewind.operator.webhook.tls.RenewalPolicy;
import dev.rewind.operator.webhook.tls.ServingCertificate;
import dev.rewind.testbed.CertificateAuthority;
import dev.rewind.testbed.IssuedCertificate;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's certificate against a real API server: shared by replicas, renewed before expiry and trusted before
 * it is served, or taken from cert-manager's mounted Secret with cert-manager's CA injector owning the caBundle.
 */
@KubeApiTest
class WebhookTlsIT {

  private RunningInjector injector;
  private String operatorNamespace;

  @AfterEach
  void stop(KubeTestBed kube) {
    if (injector != null) {
      injector.close();
    }
    if (operatorNamespace != null) {
      kube.deleteNamespace(operatorNamespace);
    }
  }

  @Test
  void replicasStartingTogetherCreateOneSecretAndServeTheSameCertificate(KubeTestBed kube,
      @TestNamespace String shop) throws Exception {
    operatorNamespace = kube.newNamespace("rewind-system");
    injector = RunningInjector.prepare(kube, RunningInjector.settings(operatorNamespace, List.of(shop), "Ignore",
        RunningInjector.generatedTls(Duration.ofDays(365), Duration.ofDays(30)), false));
    CyclicBarrier together = new CyclicBarrier(2);

    List<CompletableFuture<ServingCertificate>> replicas = List.of(replica(together), replica(together));

    ServingCertificate first = replicas.get(0).get(30, TimeUnit.SECONDS);
    ServingCertificate second = replicas.get(1).get(30, TimeUnit.SECONDS);
    assertThat(first).isEqualTo(second);
    Secret stored = kube.adminClient().secrets().inNamespace(operatorNamespace).withName("rewind-webhook-tls").get();
    // Had the second create overwritten the first, the replicas would serve different certificates.
    assertThat(decode(stored, "tls.crt")).isEqualTo(first.certificatePem());
  }

  @Test
  void aRenewalIsTrustedBeforeItIsServedAndNeedsNoRestart(KubeTestBed kube, @TestNamespace String shop)
      throws Exception {
    operatorNamespace = kube.newNamespace("rewind-system");
    // Two hours of validity, renewed with 90 minutes left: 31 minutes on the clock make it due, and the renewed
    // certificate (valid from an hour before "now") is already valid for the real API server.
    injector = RunningInjector.prepare(kube, RunningInjector.settings(operatorNamespace, List.of(shop), "Ignore",
        RunningInjector.generatedTls(Duration.ofHours(2), Duration.ofMinutes(90)), false));
    MutableClock clock = new MutableClock(Instant.now());
    injector.start(clock);
    injector.awaitInjecting(shop);
    ServingCertificate before = injector.injector().servingCertificate();
    assertThat(presentedCertificate(before)).isEqualTo(before.leaf());

    clock.advance(Duration.ofMinutes(31));
    injector.injector().check();

    ServingCertificate after = injector.injector().servingCertificate();
    assertThat(after.leaf()).isNotEqualTo(before.leaf());
    assertThat(presentedCertificate(after)).as("the running server swapped it").isEqualTo(after.leaf());
    assertThat(caBundle(kube.adminClient())).as("old and new CA trusted").hasSize(2)
        .contains(before.caBundle().get(0), after.caBundle().get(0));
    Secret stored = kube.adminClient().secrets().inNamespace(operatorNamespace).withName("rewind-webhook-tls").get();
    assertThat(decode(stored, "tls.crt")).isEqualTo(after.certificatePem());
    injector.awaitInjecting(shop);

    // Another replica, checking later, adopts the renewed certificate instead of renewing again.
    ServingCertificate otherReplica = generatedCertificates(injector.operator.client(), clock).current();
    assertThat(otherReplica).isEqualTo(after);
  }

  @Test
  void certManagerModeServesTheMountedCertificateAndLeavesTheCaBundleToItsCaInjector(KubeTestBed kube,
      @TestNamespace String shop, @TempDir Path mount) throws Exception {
    operatorNamespace = kube.newNamespace("rewind-system");
    CertificateAuthority certManagerCa = CertificateAuthority.create("cert-manager-ca");
    write(mount, certManagerCa.issueServerCertificate("127.0.0.1"));
    InjectorSettings.Tls tls = new InjectorSettings.Tls(InjectorConfig.TlsMode.CERT_MANAGER, "unused",
        Duration.ofDays(365), Duration.ofDays(30), Duration.ofSeconds(30), List.of(), mount.toString(),
        "rewind-sidecar-injector");
    injector = RunningInjector.prepare(kube, RunningInjector.settings(operatorNamespace, List.of(shop), "Ignore",
        tls, false));
    injector.start(Clock.systemUTC());

    MutatingWebhookConfiguration registered = configuration(kube.adminClient());
    assertThat(registered.getMetadata().getAnnotations()).containsEntry(DesiredWebhookConfiguration.INJECT_CA_FROM,
        operatorNamespace + "/rewind-sidecar-injector");
    assertThat(registered.getWebhooks().get(0).getClientConfig().getCaBundle()).isNull();
    assertThat(kube.adminClient().secrets().inNamespace(operatorNamespace).withName("rewind-webhook-tls").get())
        .as("no generated Secret in this mode").isNull();

    injectCa(kube.adminClient(), certManagerCa);
    injector.awaitInjecting(shop);
    injector.injector().check();
    assertThat(caBundle(kube.adminClient())).as("a check keeps the injected bundle")
        .containsExactly(certManagerCa.certificate());

    // cert-manager renews (here: with a new CA); the kubelet updates the mount; the CA injector the bundle.
    CertificateAuthority renewedCa = CertificateAuthority.create("cert-manager-ca-2");
    IssuedCertificate renewed = renewedCa.issueServerCertificate("127.0.0.1");
    write(mount, renewed);
    injectCa(kube.adminClient(), renewedCa);
    injector.injector().check();

    assertThat(presentedCertificate(injector.injector().servingCertificate())).isEqualTo(renewed.certificate());
    injector.awaitInjecting(shop);
  }

  private CompletableFuture<ServingCertificate> replica(CyclicBarrier together) {
    return CompletableFuture.supplyAsync(() -> {
      // Each replica with its own connection, as separate pods would have.
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(injector.operator.config()).build()) {
        together.await(10, TimeUnit.SECONDS);
        return generatedCertificates(client, Clock.systemUTC()).current();
      } catch (Exception e) {
        throw new IllegalStateException("replica failed", e);
      }
    });
  }

  private GeneratedCertificates generatedCertificates(KubernetesClient client, Clock clock) {
    InjectorSettings settings = injector.settings;
    return new GeneratedCertificates(client, settings.namespace(), settings.tls().secretName(),
        settings.certificateHosts(), settings.tls().validity(), new RenewalPolicy(settings.tls().renewBefore()),
        clock);
  }

  /** What a fresh TLS handshake with the webhook server gets, trusting the given certificate's CAs. */
  private Certificate presentedCertificate(ServingCertificate trusting) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    List<X509Certificate> cas = trusting.caBundle().isEmpty() ? List.of(trusting.leaf()) : trusting.caBundle();
    for (int i = 0; i < cas.size(); i++) {
      trusted.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    int port = injector.settings.port();
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return socket.getSession().getPeerCertificates()[0];
    }
  }

  private MutatingWebhookConfiguration configuration(KubernetesClient admin) {
    return admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(injector.settings.registration().configurationName()).get();
  }

  private List<X509Certificate> caBundle(KubernetesClient admin) {
    String pem = new String(Base64.getDecoder().decode(
        configuration(admin).getWebhooks().get(0).getClientConfig().getCaBundle()), StandardCharsets.US_ASCII);
    return new ServingCertificate(pem, "", pem).caBundle();
  }

  /** What cert-manager's CA injector does: write the CA into the annotated configuration's caBundle. */
  private void injectCa(KubernetesClient admin, CertificateAuthority ca) {
    String bundle = Base64.getEncoder().encodeToString(ca.certificatePem().getBytes(StandardCharsets.US_ASCII));
    admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(injector.settings.registration().configurationName())
        .edit(c -> {
          c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(bundle));
          return c;
        });
  }

  private static void write(Path mount, IssuedCertificate certificate) throws IOException {
    Files.writeString(mount.resolve("tls.crt"), certificate.certificatePem());
    Files.writeString(mount.resolve("tls.key"), certificate.privateKeyPem());
  }

  private static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  /** A clock the test moves forward; the injector reads it for renewal decisions and certificate dates. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the injector only reads instants");
    }
  }
}
