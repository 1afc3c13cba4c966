package dev.rewind.sidecar;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteCatalog;
import dev.rewind.journal.tenant.TenantPassword;
import dev.rewind.journal.tenant.TenantRoles;
import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.ResendingProducer;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sidecar of namespace shop logging in as shop's own role (not the owner), from a mounted-Secret directory, with
 * migrations off as in a cluster: it captures and delivers end to end, its rows carry its namespace, and a password
 * rotated while it captures is picked up when its connections are cut, without losing an acknowledged event.
 */
class TenantSidecarIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static ResolvedRoute inNamespace(ResolvedRoute r, String namespace) {
    return new ResolvedRoute(namespace, r.name(), r.generation(), r.spec(), r.policyName(), r.policyGeneration(),
        r.policySpec());
  }

  @Test
  void shopsSidecarWorksWithItsOwnRoleThroughARotation(@TempDir Path dir) throws Exception {
    EmbeddedPostgres.requirePasswords();
    try (TestStore store = TestStore.create(); HttpSink sink = HttpSink.start()) {
      TenantRoles roles = new TenantRoles(store.store.pool());
      TenantPassword first = TenantPassword.generate();
      String role = roles.ensure("shop", first).await().atMost(WAIT);
      roles.ensure("billing", TenantPassword.generate()).await().atMost(WAIT);
      RouteCatalog catalog = new RouteCatalog(store.store.pool());
      String policy = "maxAttempts: 50\nbackoff: {policy: fixed, initialDelay: 100ms, maxDelay: 100ms, jitter: 0}\n";
      catalog.publish(inNamespace(Routes.to("orders", sink.url("/shop"), policy), "shop")).await().atMost(WAIT);
      catalog.publish(inNamespace(Routes.to("invoices", sink.url("/billing"), policy), "billing"))
          .await().atMost(WAIT);

      Path secret = Files.createDirectories(dir.resolve("rewind-store"));
      Files.writeString(secret.resolve("username"), role);
      Files.writeString(secret.resolve("password"), first.clear());
      Map<String, String> properties = Map.of(
          "rewind.mode", "cluster",
          "rewind.namespace", "shop",
          "rewind.workload", "checkout",
          "rewind.pod", "checkout-1",
          "rewind.delivery.allow-loopback", "true",
          "rewind.store.migrate", "false",
          // The URL's user is not the one that logs in: the Secret's username is.
          "rewind.store.url", "postgresql://nobody@127.0.0.1:" + EmbeddedPostgres.port() + "/" + store.database,
          "rewind.store.credentials-dir", secret.toString());
      try (SidecarProcess sidecar = new SidecarProcess(properties, dir.resolve("sidecar.log")).start(WAIT)) {
        String admin = "http://127.0.0.1:" + sidecar.adminPort;
        assertThat(given().get(admin + "/v1/routes").jsonPath().getList("name")).as("shop's routes only")
            .containsExactly("orders");
        assertThat(store.column("SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'rewind'"
            + " AND usename <> 'postgres'")).containsExactly(role);

        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        CompletableFuture<Void> producer = CompletableFuture.runAsync(
            () -> ResendingProducer.run(sidecar, "orders", acked, sending, 40));
        await().atMost(WAIT).until(() -> acked.size() >= 20);

        // Rotation, in the safe order: new password in the store, then in the Secret (here, its mounted files),
        // then connections cut, as a store restart or failover would: they reconnect with the new password.
        TenantPassword second = TenantPassword.generate();
        roles.ensure("shop", second).await().atMost(WAIT);
        Files.writeString(secret.resolve("password"), second.clear());
        int before = acked.size();
        assertThat(store.column("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
            role)).isNotEmpty().containsOnly("true");
        await().atMost(WAIT).until(() -> acked.size() >= before + 20);
        sending.set(false);
        producer.get(2, TimeUnit.MINUTES);

        // The route notifications' session came back too, logged in with the rotated password (it would retry
        // the old one for ever if it reconnected by itself), and a route published now reaches the sidecar by
        // push, well within the 30 s periodic reload.
        await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM pg_stat_activity WHERE usename = $1"
            + " AND query LIKE 'LISTEN%'", role) == 1);
        catalog.publish(inNamespace(Routes.to("refunds", sink.url("/shop"), policy), "shop")).await().atMost(WAIT);
        await().atMost(Duration.ofSeconds(5)).until(() -> given().get(admin + "/v1/routes").jsonPath()
            .getList("name").contains("refunds"));

        await().atMost(WAIT).until(() -> sink.received().stream().map(r -> r.header("Idempotency-Key"))
            .collect(Collectors.toSet()).containsAll(acked.keySet()));
        Set<String> paths = sink.received().stream().map(HttpSink.Received::path).collect(Collectors.toSet());
        assertThat(paths).containsExactly("/shop");
        assertThat(store.column("SELECT DISTINCT namespace FROM rewind.events")).containsExactly("shop");
        assertThat(store.column("SELECT DISTINCT namespace FROM rewind.attempts")).containsExactly("shop");
        // The outcome is written after the destination answered: wait for the last write.
        await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE state = 'delivered'")
            == acked.size());
        assertThat(store.count("SELECT count(*) FROM rewind.events")).isEqualTo(acked.size());
        assertThat(store.column("SELECT namespace || '/' || pod FROM rewind.senders"))
            .containsExactly("shop/checkout-1");
        assertThat(store.column("SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'rewind'"
            + " AND usename <> 'postgres'")).as("reconnected as shop's role").containsExactly(role);
      }
    }
  }

  /** A sidecar that claims to be billing's but holds shop's credentials sees and writes nothing of billing. */
  @Test
  void aSidecarClaimingAnotherNamespaceGetsNothingOfIt(@TempDir Path dir) throws Exception {
    EmbeddedPostgres.requirePasswords();
    try (TestStore store = TestStore.create(); HttpSink sink = HttpSink.start()) {
      TenantRoles roles = new TenantRoles(store.store.pool());
      TenantPassword shop = TenantPassword.generate();
      String role = roles.ensure("shop", shop).await().atMost(WAIT);
      new RouteCatalog(store.store.pool()).publish(inNamespace(Routes.to("invoices", sink.url("/billing"),
          "maxAttempts: 1\n"), "billing")).await().atMost(WAIT);
      Path secret = Files.createDirectories(dir.resolve("rewind-store"));
      Files.writeString(secret.resolve("username"), role);
      Files.writeString(secret.resolve("password"), shop.clear());
      try (SidecarProcess liar = new SidecarProcess(Map.of(
          "rewind.mode", "cluster",
          "rewind.namespace", "billing",
          "rewind.workload", "billing",
          "rewind.store.migrate", "false",
          "rewind.store.url", "postgresql://nobody@127.0.0.1:" + EmbeddedPostgres.port() + "/" + store.database,
          "rewind.store.credentials-dir", secret.toString()), dir.resolve("liar.log")).start(WAIT)) {
        assertThat(given().get("http://127.0.0.1:" + liar.adminPort + "/v1/routes").jsonPath().getList("name"))
            .as("billing's routes are invisible to shop's role").isEmpty();
        given().body("{}").post("http://127.0.0.1:" + liar.capturePort + "/v1/routes/invoices").then()
            .statusCode(404);
        assertThat(store.count("SELECT count(*) FROM rewind.senders")).as("its sender row is refused").isZero();
      }
    }
  }
}
