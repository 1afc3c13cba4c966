package dev.rewind.e2e.install;

import dev.rewind.e2e.testing.Crds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.testing.Processes;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.testbed.CertificateAuthority;
import dev.rewind.testbed.IssuedCertificate;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator, started with exactly the environment of the Deployment the chart installed and
 * authenticated as the chart's ServiceAccount (impersonated), so that it runs under exactly the chart's RBAC: it
 * accepts every configuration key the chart sets (an unknown {@code rewind.*} key stops its start), answers on the
 * probe paths the chart declares, takes the chart's Lease, registers the webhook configuration the chart's RBAC
 * names, pointing at the chart's Service, and reconciles a Route of the watched namespace. A process on this machine
 * differs from a pod in three ways, overridden and nothing else: the HTTP and webhook ports (a pod has its own
 * network namespace), the host name (the kubelet sets HOSTNAME to the pod's name), and, for cert-manager, where the
 * certificate is mounted.
 */
@KubeApiTest
class ChartDeployedOperatorIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void operatorRunsUnderTheChartsEnvironmentAndRbacWithAGeneratedCertificate(KubeTestBed kube,
      KubernetesClient admin, @TestNamespace String ns) throws Exception {
    Crds.install(admin);
    String team = kube.newNamespace("rewind-team");
    try (TestStore store = TestStore.create()) {
      String release = install(kube, ns, store, team);

      // Closed in reverse: the operator stops first, then its webhook configuration and APIService are removed.
      try (AutoCloseable cleanup = () -> removeClusterWideObjects(admin, release);
          Operator operator = Operator.start(kube, admin, ns, release, Map.of())) {
        await().atMost(Duration.ofSeconds(90)).until(() -> operator.answers("/q/health/ready") || !operator.alive());
        assertThat(operator.alive()).as("operator running; its log:%n%s", operator.log()).isTrue();
        for (String probe : probePaths(admin, ns, release)) {
          assertThat(operator.answers(probe)).as("probe %s", probe).isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> holder(admin, ns, release) != null);
        assertThat(holder(admin, ns, release)).isEqualTo(operator.hostname);

        MutatingWebhook registered = awaitWebhook(admin, release);
        assertThat(registered.getClientConfig().getService().getName()).isEqualTo(release + "-sidecar-injector");
        assertThat(registered.getClientConfig().getService().getNamespace()).isEqualTo(ns);
        assertThat(registered.getClientConfig().getService().getPort()).isEqualTo(443);
        assertThat(admin.services().inNamespace(ns).withName(release + "-sidecar-injector").get()).isNotNull();
        assertThat(registered.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(registered.getNamespaceSelector().getMatchExpressions())
            .anySatisfy(e -> assertThat(e.getValues()).containsExactly(team));
        await().atMost(Duration.ofSeconds(30)).until(() -> awaitWebhook(admin, release).getClientConfig()
            .getCaBundle() != null);
        assertThat(admin.secrets().inNamespace(ns).withName(release + "-webhook-tls").get().getData())
            .containsKeys("tls.crt", "tls.key", "ca.crt");

        admin.resource(Serialization.unmarshal("""
            apiVersion: rewind.dev/v1alpha1
            kind: RetryPolicy
            metadata: {name: quick, namespace: %s}
            spec: {maxAttempts: 3, timeout: 500ms}
            """.formatted(team), GenericKubernetesResource.class)).create();
        admin.resource(Serialization.unmarshal("""
            apiVersion: rewind.dev/v1alpha1
            kind: Route
            metadata: {name: orders-to-service-b, namespace: %s}
            spec:
              destination: {url: "http://service-b.%s.svc:8080/orders"}
              retryPolicyRef: {name: quick}
            """.formatted(team, team), GenericKubernetesResource.class)).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> "True".equals(ready(admin, team, "orders-to-service-b")));
        assertThat(store.count("SELECT count(*) FROM rewind.routes WHERE namespace = $1", team)).isEqualTo(1);
        assertThat(operator.alive()).isTrue();
      }
    }
    kube.deleteNamespace(team);
  }

  @Test
  void operatorRunsUnderTheChartsEnvironmentAndRbacWithCertManager(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) throws Exception {
    Crds.install(admin);
    Chart.installCertManagerStandIns(admin);
    String team = kube.newNamespace("rewind-team");
    try (TestStore store = TestStore.create()) {
      String release = install(kube, ns, store, team, "--set", "injector.tls.mode=cert-manager",
          "--set", "injector.failurePolicy=Fail");
      // What cert-manager would write into the Secret the chart mounts: a certificate for the chart's Service.
      IssuedCertificate certificate = CertificateAuthority.create("rewind-test-ca")
          .issueServerCertificate(release + "-sidecar-injector." + ns + ".svc");
      Path certDir = Files.createDirectories(Chart.OUTPUT.resolve("cert-manager-" + release));
      Files.writeString(certDir.resolve("tls.crt"), certificate.certificatePem());
      Files.writeString(certDir.resolve("tls.key"), certificate.privateKeyPem());

      try (AutoCloseable cleanup = () -> removeClusterWideObjects(admin, release);
          Operator operator = Operator.start(kube, admin, ns, release,
              Map.of("REWIND_INJECTOR_TLS_CERT_DIR", certDir.toString()))) {
        MutatingWebhook webhook = awaitWebhook(admin, release);
        MutatingWebhookConfiguration configuration = admin.admissionRegistration().v1()
            .mutatingWebhookConfigurations().withName(release + "-sidecar-injector").get();

        // The CA injector reads the Certificate the chart rendered: the names must agree.
        String certificateName = Chart.objects(admin, Chart.render(kube, release, ns, "--set",
                "injector.tls.mode=cert-manager")).stream()
            .filter(o -> o.getKind().equals("Certificate")).findFirst().orElseThrow().getMetadata().getName();
        assertThat(configuration.getMetadata().getAnnotations())
            .containsEntry("cert-manager.io/inject-ca-from", ns + "/" + certificateName);
        assertThat(webhook.getFailurePolicy()).isEqualTo("Fail");
        assertThat(admin.secrets().inNamespace(ns).withName(release + "-webhook-tls").get()).isNull();
        assertThat(operator.alive()).as("operator running; its log:%n%s", operator.log()).isTrue();
      }
    }
    kube.deleteNamespace(team);
  }

  @Test
  void aMisspeltSettingInExtraEnvStopsTheOperatorNamingIt(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) throws Exception {
    Crds.install(admin);
    String team = kube.newNamespace("rewind-team");
    try (TestStore store = TestStore.create()) {
      String release = install(kube, ns, store, team, "--set", "operator.extraEnv[0].name=REWIND_TAKEOVER_AFTR",
          "--set", "operator.extraEnv[0].value=5m");

      try (AutoCloseable cleanup = () -> removeClusterWideObjects(admin, release);
          Operator operator = Operator.start(kube, admin, ns, release, Map.of())) {
        assertThat(operator.exitCodeWithin(Duration.ofSeconds(90))).as("operator log:%n%s", operator.log())
            .isNotZero();
        assertThat(operator.log()).contains("unknown Rewind setting in the environment: REWIND_TAKEOVER_AFTR");
      }
    }
    kube.deleteNamespace(team);
  }

  // ------------------------------------------------------------------------------------------------------------

  /** A real {@code helm install}, watching and injecting {@code team} only, with the test's store. */
  private static String install(KubeTestBed kube, String ns, TestStore store, String team, String... more) {
    String release = "rewind-" + ns.substring(ns.lastIndexOf('-') + 1);
    List<String> args = new ArrayList<>(List.of("install", release, Chart.DIR.toString(), "--namespace", ns,
        "--skip-crds", "--set", "store.url=" + store.url(), "--set", "operator.watchNamespaces={" + team + "}",
        "--set", "injector.namespaces={" + team + "}"));
    args.addAll(List.of(more));
    kube.run("helm", kube.kubeconfig(), args.toArray(String[]::new)).assertSuccess();
    return release;
  }

  /**
   * What the release leaves cluster-wide, removed once the operator has stopped: tests share the API server. The
   * operator never deletes its webhook configuration (another replica may still serve), and the query API's
   * APIService has one name for every release (a cluster runs one Rewind), so the next test's release installs its
   * own.
   */
  private static void removeClusterWideObjects(KubernetesClient admin, String release) {
    admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(release + "-sidecar-injector")
        .delete();
    Chart.removeQueryApiService(admin);
  }

  private static List<String> probePaths(KubernetesClient admin, String ns, String release) {
    Container container = deployment(admin, ns, release).getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> paths = List.of(container.getStartupProbe().getHttpGet().getPath(),
        container.getLivenessProbe().getHttpGet().getPath(), container.getReadinessProbe().getHttpGet().getPath());
    assertThat(List.of(container.getStartupProbe().getHttpGet().getPort().getStrVal(),
        container.getLivenessProbe().getHttpGet().getPort().getStrVal(),
        container.getReadinessProbe().getHttpGet().getPort().getStrVal())).containsOnly("http");
    assertThat(container.getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("http");
      assertThat(p.getContainerPort()).isEqualTo(8080);
    });
    return paths;
  }

  private static Deployment deployment(KubernetesClient admin, String ns, String release) {
    return admin.apps().deployments().inNamespace(ns).withName(release + "-operator").get();
  }

  private static String holder(KubernetesClient admin, String ns, String release) {
    var lease = admin.leases().inNamespace(ns).withName(release + "-operator").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static MutatingWebhook awaitWebhook(KubernetesClient admin, String release) {
    await().atMost(Duration.ofSeconds(60)).until(() -> admin.admissionRegistration().v1()
        .mutatingWebhookConfigurations().withName(release + "-sidecar-injector").get() != null);
    return admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(release + "-sidecar-injector").get().getWebhooks().get(0);
  }

  @SuppressWarnings("unchecked")
  private static String ready(KubernetesClient admin, String ns, String name) {
    GenericKubernetesResource route = admin.genericKubernetesResources("rewind.dev/v1alpha1", "Route")
        .inNamespace(ns).withName(name).get();
    Object conditions = route.getAdditionalProperties().get("status") instanceof Map<?, ?> status
        ? status.get("conditions") : null;
    if (!(conditions instanceof List<?> list)) {
      return null;
    }
    return list.stream().map(c -> (Map<String, Object>) c).filter(c -> "Ready".equals(c.get("type")))
        .map(c -> String.valueOf(c.get("status"))).findFirst().orElse(null);
  }

  /** The packaged operator as a process with the environment of the installed Deployment's container. */
  private static final class Operator implements AutoCloseable {

    final String hostname;
    private final Process process;
    private final Path log;
    private final int httpPort;

    private Operator(Process process, Path log, int httpPort, String hostname) {
      this.process = process;
      this.log = log;
      this.httpPort = httpPort;
      this.hostname = hostname;
    }

    static Operator start(KubeTestBed kube, KubernetesClient admin, String ns, String release,
        Map<String, String> overrides) throws IOException {
      Deployment deployment = deployment(admin, ns, release);
      Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      Map<String, String> env = new LinkedHashMap<>();
      for (EnvVar var : container.getEnv()) {
        env.put(var.getName(), value(admin, ns, var));
      }
      int httpPort = Processes.freePort();
      String hostname = release + "-operator-7d9f8-x2x4q";
      env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
      env.put("REWIND_INJECTOR_PORT", String.valueOf(Processes.freePort()));
      env.put("HOSTNAME", hostname);
      env.putAll(overrides);
      String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
      Path kubeconfig = kube.serviceAccount(ns, account).kubeconfig();

      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
          // The test bed's client certificates use EC keys; a kubeconfig does not say so and Fabric8 assumes RSA.
          // (Quarkus warns that its property is fixed at build time, yet the client fails without it.)
          "-Dkubernetes.client.key.algo=EC", "-Dquarkus.kubernetes-client.client-key-algo=EC",
          "-jar", SidecarProcess.packagedApp("operator.jar.path", "operator").toAbsolutePath().toString()));
      Path log = Files.createDirectories(Chart.OUTPUT).resolve("operator-" + release + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      // Only the chart's settings: nothing inherited from this machine may configure the operator.
      builder.environment().keySet().removeIf(k -> k.startsWith("REWIND_") || k.startsWith("QUARKUS_"));
      builder.environment().putAll(env);
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      return new Operator(builder.start(), log, httpPort, hostname);
    }

    /** An env entry's value as the kubelet would give it. */
    private static String value(KubernetesClient admin, String ns, EnvVar var) {
      if (var.getValueFrom() == null) {
        return var.getValue() == null ? "" : var.getValue();
      }
      if (var.getValueFrom().getSecretKeyRef() != null) {
        var ref = var.getValueFrom().getSecretKeyRef();
        String encoded = admin.secrets().inNamespace(ns).withName(ref.getName()).get().getData().get(ref.getKey());
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      }
      throw new IllegalStateException("the chart's env " + var.getName() + " uses " + var.getValueFrom()
          + ", which this test does not resolve yet");
    }

    boolean alive() {
      return process.isAlive();
    }

    /** The exit code once the process ended, failing the test when it still runs after {@code timeout}. */
    int exitCodeWithin(Duration timeout) throws InterruptedException {
      assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("the operator stopped").isTrue();
      return process.exitValue();
    }

    boolean answers(String path) {
      try {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        // Not listening yet: the condition is simply not met.
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    String log() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      Processes.stop(process);
    }
  }
}
