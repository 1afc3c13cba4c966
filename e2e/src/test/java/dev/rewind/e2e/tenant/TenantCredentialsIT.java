package dev.rewind.e2e.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.e2e.testing.Crds;
import dev.rewind.e2e.testing.OperatorProcess;
import dev.rewind.journal.store.Store;
import dev.rewind.journal.store.StoreConfig;
import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.ResendingProducer;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.testbed.Conflicts;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.pgclient.PgException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The operator and a real API server manage each namespace's store credentials: a role and the {@code rewind-store}
 * Secret appear with the namespace's first Route (or captured pod), a rotation asked for on the Secret gives a new
 * password while a sidecar of the namespace captures throughout (every acknowledged event delivered), and both go
 * when the namespace's last Rewind object does.
 *
 * <p>There is no kubelet here: the test plays its part, writing the Secret's keys to the directory the sidecar
 * reads, as a mounted Secret volume is updated in place.
 */
@KubeApiTest
class TenantCredentialsIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void roleAndSecretFollowTheNamespacesRewindObjects(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) throws Exception {
    Crds.install(admin);
    EmbeddedPostgres.requirePasswords();
    String podsOnly = ns + "-pods";
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(podsOnly).endMetadata().build())
        .create();
    // No controller manager here to make it; pod admission needs it.
    admin.serviceAccounts().inNamespace(podsOnly).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
        .withNewMetadata().withName("default").endMetadata().build()).create();
    Path work = Files.createDirectories(Path.of("target", "e2e", "tenant-credentials"));
    try (TestStore store = TestStore.create(); HttpSink sink = HttpSink.startOnHostAddress();
        OperatorProcess operator = new OperatorProcess(Map.of(
            "rewind.store.url", store.url(),
            "rewind.operator.namespaces", ns + "," + podsOnly,
            "rewind.leader-election.lease-namespace", ns,
            "rewind.injector.enabled", "false",
            "rewind.tenants.interval", "1s"),
            kube.kubeconfig(), work.resolve("operator.log")).start()) {
      // Nothing of Rewind in either namespace yet: no Secret, no role (the operator has migrated the store).
      await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.schema_history") >= 6);
      assertThat(admin.secrets().inNamespace(ns).withName("rewind-store").get()).isNull();

      // The first captured pod of a namespace (here without a Route) gets it its credentials.
      admin.pods().inNamespace(podsOnly).resource(capturedPod()).create();
      Secret podsSecret = await().atMost(WAIT).until(
          () -> admin.secrets().inNamespace(podsOnly).withName("rewind-store").get(), s -> s != null);
      assertThat(podsSecret.getMetadata().getLabels()).containsEntry("rewind.dev/store-credentials", "namespace");
      admin.pods().inNamespace(podsOnly).withName("captured").withGracePeriod(0).delete();
      await().atMost(WAIT).until(() -> admin.secrets().inNamespace(podsOnly).withName("rewind-store").get() == null);
      assertThat(store.count("SELECT count(*) FROM pg_roles WHERE rolname = $1", value(podsSecret, "username")))
          .as("the pod-only namespace's role is dropped with its last captured pod").isZero();

      // The first Route of the namespace.
      admin.resource(Serialization.unmarshal("""
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: orders, namespace: %s}
          spec:
            destination: {url: "%s"}
            eventId: {header: Idempotency-Key}
          """.formatted(ns, sink.url("/orders")), Route.class)).create();
      Secret first = await().atMost(WAIT).until(
          () -> admin.secrets().inNamespace(ns).withName("rewind-store").get(), s -> s != null);
      String role = value(first, "username");
      assertThat(role).matches("rewind_[a-z0-9_]+_[0-9a-f]{20}");
      assertThat(store.count("SELECT count(*) FROM rewind.tenants WHERE role = $1 AND namespace = $2", role, ns))
          .isEqualTo(1);
      assertThat(loginError(store, role, value(first, "password"))).as("its password logs in").isNull();

      Path mounted = Files.createDirectories(work.resolve("mounted-" + ns));
      mount(first, mounted);
      try (SidecarProcess sidecar = new SidecarProcess(Map.of(
          "rewind.mode", "cluster",
          "rewind.namespace", ns,
          "rewind.workload", "checkout",
          "rewind.pod", "checkout-1",
          "rewind.store.migrate", "false",
          "rewind.store.url", "postgresql://nobody@127.0.0.1:" + EmbeddedPostgres.port() + "/" + store.database,
          "rewind.store.credentials-dir", mounted.toString()), work.resolve("sidecar.log")).start(WAIT)) {
        await().atMost(WAIT).until(() -> get("http://127.0.0.1:" + sidecar.adminPort + "/v1/routes")
            .contains("\"orders\""));

        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> ResendingProducer.run(sidecar, "orders", acked, sending, 0));
        await().atMost(WAIT).until(() -> acked.size() >= 20);

        // Rotation on request: annotate the Secret; the operator sets a new password in the store, then the Secret.
        // The operator writes this Secret too: retry a conflicting edit as kubectl edit would.
        Conflicts.retry(() -> admin.secrets().inNamespace(ns).withName("rewind-store")
            .edit(s -> new io.fabric8.kubernetes.api.model.SecretBuilder(s).editMetadata()
                .addToAnnotations("rewind.dev/rotate", "first-rotation").endMetadata().build()));
        Secret rotated = await().atMost(WAIT).until(
            () -> admin.secrets().inNamespace(ns).withName("rewind-store").get(),
            s -> "first-rotation".equals(s.getMetadata().getAnnotations().get("rewind.dev/rotated-for")));
        assertThat(value(rotated, "username")).isEqualTo(role);
        assertThat(value(rotated, "password")).isNotEqualTo(value(first, "password"));
        assertThat(loginError(store, role, value(first, "password"))).as("the old password")
            .contains("password authentication failed");
        // The kubelet updates the mounted files; the sidecar's sessions end (a store restart, a failover) and
        // it reconnects with what the files say now.
        mount(rotated, mounted);
        int before = acked.size();
        assertThat(store.column("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
            role)).isNotEmpty().containsOnly("true");
        await().atMost(WAIT).until(() -> acked.size() >= before + 20);
        sending.set(false);
        producer.get(2, TimeUnit.MINUTES);

        await().atMost(WAIT).until(() -> sink.received().stream().map(r -> r.header("Idempotency-Key"))
            .collect(Collectors.toSet()).containsAll(acked.keySet()));
        await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE namespace = $1"
            + " AND state = 'delivered'", ns) == acked.size());
        assertThat(store.column("SELECT DISTINCT usename FROM pg_stat_activity WHERE usename = $1", role))
            .as("the sidecar is connected again, as its namespace's role").containsExactly(role);
        System.out.printf("acknowledged %d events across a password rotation, every one delivered%n",
            acked.size());
      }

      // The namespace's last Rewind object goes: so do its role and its Secret.
      admin.resources(Route.class).inNamespace(ns).withName("orders").delete();
      await().atMost(WAIT).until(() -> admin.secrets().inNamespace(ns).withName("rewind-store").get() == null);
      assertThat(store.count("SELECT count(*) FROM pg_roles WHERE rolname = $1", role)).isZero();
      assertThat(store.count("SELECT count(*) FROM rewind.tenants")).isZero();
      assertThat(store.count("SELECT count(*) FROM rewind.events WHERE namespace = $1", ns))
          .as("the journal stays").isGreaterThanOrEqualTo(40);
    } finally {
      admin.namespaces().withName(podsOnly).delete();
    }
  }

  private static Pod capturedPod() {
    return new PodBuilder().withNewMetadata().withName("captured").addToLabels("rewind.dev/injected", "true")
        .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("example.invalid/app:1")
        .endContainer().endSpec().build();
  }



  /** What the kubelet does for a Secret volume: one file per key. */
  private static void mount(Secret secret, Path dir) throws Exception {
    Files.writeString(dir.resolve("username"), value(secret, "username"));
    Files.writeString(dir.resolve("password"), value(secret, "password"));
  }

  private static String value(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  /** The store's answer to a login, or null when it succeeds. */
  private static String loginError(TestStore store, String user, String password) {
    try (Store session = new Store(store.vertx, new StoreConfig("127.0.0.1", EmbeddedPostgres.port(),
        store.database, user, password, 1, false, Duration.ofSeconds(5)))) {
      session.pool().query("SELECT 1").execute().await().atMost(WAIT);
      return null;
    } catch (PgException e) {
      return e.getErrorMessage();
    }
  }

  private static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
