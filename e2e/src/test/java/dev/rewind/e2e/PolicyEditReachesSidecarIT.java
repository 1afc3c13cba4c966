package dev.rewind.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.e2e.testing.Crds;
import dev.rewind.e2e.testing.OperatorProcess;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.testbed.Conflicts;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole chain with every part real and separate: a RetryPolicy edited through the API server reaches a running
 * sidecar through the operator and the store, and changes what the sidecar does with the next event.
 */
@KubeApiTest
class PolicyEditReachesSidecarIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void editingTheRetryPolicyChangesWhatARunningSidecarDoes(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) throws Exception {
    Crds.install(admin);
    Path work = Files.createDirectories(Path.of("target", "e2e", "policy-edit"));
    try (TestStore store = TestStore.create(); HttpSink sink = HttpSink.startOnHostAddress()) {
      admin.resource(Serialization.unmarshal("""
          apiVersion: rewind.dev/v1alpha1
          kind: RetryPolicy
          metadata: {name: orders-policy, namespace: %s}
          spec: {maxAttempts: 1}
          """.formatted(ns), RetryPolicy.class)).create();
      admin.resource(Serialization.unmarshal("""
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: orders, namespace: %s}
          spec:
            destination: {url: "%s"}
            retryPolicyRef: {name: orders-policy}
          """.formatted(ns, sink.url("/orders")), Route.class)).create();

      try (OperatorProcess operator = new OperatorProcess(Map.of(
              "rewind.store.url", store.url(),
              "rewind.operator.namespaces", ns,
              "rewind.leader-election.lease-namespace", ns,
              // This test is about routes; injection has tests of its own.
              "rewind.injector.enabled", "false"),
              kube.kubeconfig(), work.resolve("operator.log")).start();
          SidecarProcess sidecar = new SidecarProcess(Map.of(
              "rewind.mode", "cluster",
              "rewind.namespace", ns,
              "rewind.workload", "service-a",
              "rewind.store.url", store.url()), work.resolve("sidecar.log")).start(Duration.ofSeconds(60))) {
        String admin4472 = "http://127.0.0.1:" + sidecar.adminPort + "/v1/routes";
        await().atMost(Duration.ofSeconds(60)).until(() -> get(admin4472).contains("\"maxAttempts\":1"));

        sink.answer(r -> HttpSink.Answer.status(503));
        String first = capture(sidecar);
        await().atMost(Duration.ofSeconds(30)).until(() -> "dead".equals(state(store, first)));
        assertThat(store.column("SELECT outcome FROM rewind.attempts WHERE event_id = $1::uuid", first))
            .containsExactly("503");

        long t0 = System.nanoTime();
        Conflicts.retry(() -> admin.resources(RetryPolicy.class).inNamespace(ns).withName("orders-policy").edit(p -> {
          p.getSpec().setMaxAttempts(4);
          p.getSpec().getBackoff().setPolicy(
              dev.rewind.api.v1alpha1.retrypolicy.spec.BackoffPolicy.FIXED);
          p.getSpec().getBackoff().setInitialDelay("50ms");
          p.getSpec().getBackoff().setMaxDelay("50ms");
          return p;
        }));
        // API server -> operator -> store -> notification -> sidecar. The sidecar's fallback reload is every
        // 30 s: taking effect within 5 s shows the push path worked; the measured time is printed.
        await().atMost(Duration.ofSeconds(5)).until(() -> get(admin4472).contains("\"maxAttempts\":4"));
        System.out.printf("RetryPolicy edit reached the running sidecar in %d ms%n",
            (System.nanoTime() - t0) / 1_000_000);

        sink.failFirst(2, 503);
        String second = capture(sidecar);
        await().atMost(Duration.ofSeconds(30)).until(() -> "delivered".equals(state(store, second)));
        assertThat(store.column("SELECT outcome FROM rewind.attempts WHERE event_id = $1::uuid ORDER BY number",
            second)).containsExactly("503", "503", "delivered");
      }
    }
  }

  private static String capture(SidecarProcess sidecar) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + sidecar.capturePort + "/v1/routes/orders"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":1}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(202);
    return response.headers().firstValue("Rewind-Event-Id").orElseThrow();
  }

  private static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String state(TestStore store, String id) {
    return store.column("SELECT state FROM rewind.events WHERE id = $1::uuid", id).get(0);
  }
}
