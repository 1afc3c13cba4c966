package dev.rewind.sidecar;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteCatalog;
import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.journal.testing.SidecarProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a cluster the sidecar serves the routes the operator published for its namespace and workload, and follows
 * every change without a restart: a changed policy changes what it does with the next event.
 */
class ClusterModeIT {

  private static ResolvedRoute inNamespace(ResolvedRoute r, String namespace) {
    return new ResolvedRoute(namespace, r.name(), r.generation(), r.spec(), r.policyName(), r.policyGeneration(),
        r.policySpec());
  }

  @Test
  void followsPublishedRoutesAndPolicyChangesWithoutRestart(@TempDir Path dir) {
    try (TestStore store = TestStore.create(); HttpSink sink = HttpSink.start()) {
      RouteCatalog catalog = new RouteCatalog(store.store.pool());
      ResolvedRoute once = inNamespace(Routes.to("orders", sink.url("/orders"), "maxAttempts: 1\n"), "team-a");
      ResolvedRoute other = inNamespace(Routes.to("billing", sink.url("/billing"), "maxAttempts: 1\n"), "team-b");
      catalog.publish(once).await().indefinitely();
      catalog.publish(other).await().indefinitely();

      try (SidecarProcess sidecar = new SidecarProcess(Map.of(
          "rewind.mode", "cluster",
          "rewind.namespace", "team-a",
          "rewind.workload", "service-a",
          "rewind.pod", "service-a-7d9f-x2",
          // The test's destination is on loopback, which a sidecar in a cluster refuses by default.
          "rewind.delivery.allow-loopback", "true",
          "rewind.store.url", store.url()), dir.resolve("sidecar.log")).start(Duration.ofSeconds(60))) {
        String admin = "http://127.0.0.1:" + sidecar.adminPort;
        String capture = "http://127.0.0.1:" + sidecar.capturePort + "/v1/routes/orders";
        // Only its own namespace's routes.
        assertThat(given().get(admin + "/v1/routes").jsonPath().getList("name")).containsExactly("orders");

        sink.answer(r -> HttpSink.Answer.status(503));
        String first = given().body("{}").post(capture).then().statusCode(202).extract().jsonPath().getString("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "dead".equals(state(store, first)));
        assertThat(store.column("SELECT outcome FROM rewind.attempts WHERE event_id = $1::uuid", first))
            .containsExactly("503");

        // The operator republishes the route with an edited policy: five attempts, quick retries.
        ResolvedRoute patient = inNamespace(Routes.to("orders", sink.url("/orders"), """
            maxAttempts: 5
            backoff: {policy: fixed, initialDelay: 50ms, maxDelay: 50ms, jitter: 0}
            """), "team-a");
        patient = new ResolvedRoute("team-a", "orders", 1, patient.spec(), patient.policyName(), 2L,
            patient.policySpec());
        long t0 = System.nanoTime();
        catalog.publish(patient).await().indefinitely();
        // The periodic reload is every 30 s; taking effect within 5 s shows the change was pushed, not polled.
        await().atMost(Duration.ofSeconds(5)).until(() -> given().get(admin + "/v1/routes").jsonPath()
            .getInt("find { it.name == 'orders' }.maxAttempts") == 5);
        System.out.printf("policy change reached the sidecar in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        sink.failFirst(2, 503);
        String second = given().body("{}").post(capture).then().statusCode(202).extract().jsonPath().getString("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(state(store, second)));
        assertThat(store.column("SELECT outcome FROM rewind.attempts WHERE event_id = $1::uuid ORDER BY number",
            second)).containsExactly("503", "503", "delivered");
        assertThat(store.column("SELECT sender_workload || '/' || sender_pod FROM rewind.events WHERE id = $1::uuid",
            second)).containsExactly("service-a/service-a-7d9f-x2");

        // Unpublished: no longer captured; what was journaled stays.
        catalog.unpublish("team-a", "orders").await().indefinitely();
        await().atMost(Duration.ofSeconds(5)).until(() -> given().get(admin + "/v1/routes").jsonPath()
            .getList("name").isEmpty());
        given().body("{}").post(capture).then().statusCode(404);
        assertThat(store.count("SELECT count(*) FROM rewind.events WHERE route = 'orders'")).isEqualTo(2);
      }
    }
  }

  @Test
  void aWorkloadServesOnlyTheRoutesListedForIt(@TempDir Path dir) {
    try (TestStore store = TestStore.create(); HttpSink sink = HttpSink.start()) {
      RouteCatalog catalog = new RouteCatalog(store.store.pool());
      catalog.publish(inNamespace(Routes.one("""
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: only-erp}
          spec:
            destination: {url: "%s"}
            workloads: [erp]
          """.formatted(sink.url("/"))), "team-a")).await().indefinitely();
      catalog.publish(inNamespace(Routes.one("""
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: everyone}
          spec:
            destination: {url: "%s"}
          """.formatted(sink.url("/"))), "team-a")).await().indefinitely();

      try (SidecarProcess sidecar = new SidecarProcess(Map.of(
          "rewind.mode", "cluster",
          "rewind.namespace", "team-a",
          "rewind.workload", "service-a",
          "rewind.store.url", store.url()), dir.resolve("sidecar.log")).start(Duration.ofSeconds(60))) {
        List<String> served = given().get("http://127.0.0.1:" + sidecar.adminPort + "/v1/routes").jsonPath()
            .getList("name");
        assertThat(served).containsExactly("everyone");
      }
    }
  }

  private static String state(TestStore store, String id) {
    return store.column("SELECT state FROM rewind.events WHERE id = $1::uuid", id).get(0);
  }
}
