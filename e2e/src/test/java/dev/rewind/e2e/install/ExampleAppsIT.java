package dev.rewind.e2e.install;

import dev.rewind.journal.testing.Processes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The example apps do what examples/README.md says, with the real sidecar: Service A's plain urllib relay goes
 * through the sidecar's proxy because HTTP_PROXY is set (no code change), so while Service B is down every order is
 * journaled and acknowledged, and once it recovers every order reaches it, each once, under the ERP's order id.
 * Locally, without a cluster: the sidecar runs standalone with the example's Route pointed at the local Service B;
 * Service A calls Service B by its cluster name, which does not resolve here, so only the proxy can deliver it.
 * Needs python3; skipped, saying so, where there is none.
 */
@ExtendWith(ExampleAppsIT.PythonAvailable.class)
class ExampleAppsIT {

  private static final Path APPS = Chart.REPO.resolve("examples/apps");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int ORDERS = 5;

  @Test
  void ordersSentDuringAnOutageAreJournaledThroughTheProxyAndDeliveredOnceItEnds() throws Exception {
    Path work = Chart.OUTPUT.resolve("example-apps");
    // A fresh directory per run: the logs are appended to, and stale ones would mislead.
    if (Files.exists(work)) {
      try (var old = Files.walk(work)) {
        for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    Files.createDirectories(work);
    int serviceB = Processes.freePort();
    int serviceA = Processes.freePort();
    Path config = Files.createDirectories(work.resolve("rewind.d"));
    // The example's Route for Service A's hop, delivering to the local Service B, with a policy that outlasts
    // the short outage below (the example's own "quick" policy would give up, which is what its Replay is for).
    Files.writeString(config.resolve("routes.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: outlast}
        spec:
          maxAttempts: 100
          # Service B's 503 asks for Retry-After: 30; maxDelay caps that wait for the test.
          backoff: {policy: fixed, initialDelay: 200ms, maxDelay: 500ms}
          timeout: 2s
          maxAge: 5m
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: orders-to-service-b}
        spec:
          destination: {url: "http://127.0.0.1:%d/orders"}
          match: {host: service-b.service-b.svc, pathPrefix: /orders, methods: [POST]}
          mode: storeAndForward
          retryPolicyRef: {name: outlast}
          eventId: {header: Idempotency-Key}
          correlationId: {jsonPointer: /orderId}
        """.formatted(serviceB));

    try (TestStore store = TestStore.create();
        App b = App.start(work, "service-b", "flaky_service.py", Map.of("NAME", "service-b",
            "PORT", String.valueOf(serviceB), "FAIL_MODE", "error"));
        SidecarProcess sidecar = new SidecarProcess(Map.of(
            "rewind.mode", "standalone",
            "rewind.config-dir", config.toString(),
            "rewind.store.url", store.url()), work.resolve("sidecar.log")).start(Duration.ofSeconds(90));
        App a = App.start(work, "service-a", "service_a.py", Map.of("PORT", String.valueOf(serviceA),
            "SERVICE_B_URL", "http://service-b.service-b.svc:8080/orders",
            "HTTP_PROXY", "http://127.0.0.1:" + sidecar.proxyPort))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> status("http://127.0.0.1:" + serviceB + "/healthz") == 200
          && status("http://127.0.0.1:" + serviceA + "/healthz") == 200);
      assertThat(post("http://127.0.0.1:" + serviceB + "/admin/outage?mode=error&minutes=5")).isEqualTo(200);

      App erp = App.start(work, "erp", "erp.py", Map.of("SERVICE_A_URL", "http://127.0.0.1:" + serviceA + "/orders",
          "TOTAL_ORDERS", String.valueOf(ORDERS), "ORDERS_PER_MINUTE", "6000"));
      assertThat(erp.waitFor(Duration.ofSeconds(60))).as("erp exit code; %s", erp.log()).isZero();

      // Every order was acknowledged while Service B refused everything: journaled, not lost.
      assertThat(erp.log().lines().filter(l -> l.contains("-> 202"))).hasSize(ORDERS);
      assertThat(a.log()).contains("relayed to service-b -> 202 (journaled, event ");
      await().atMost(Duration.ofSeconds(30)).until(() -> store.count(
          "SELECT count(*) FROM rewind.attempts t JOIN rewind.events e ON e.id = t.event_id"
              + " WHERE e.route = 'orders-to-service-b' AND t.outcome = '503'") >= ORDERS);
      assertThat(store.count("SELECT count(*) FROM rewind.events WHERE state = 'delivered'")).isZero();

      assertThat(delete("http://127.0.0.1:" + serviceB + "/admin/outage")).isEqualTo(200);

      await().atMost(Duration.ofSeconds(30)).until(() -> store.count(
          "SELECT count(*) FROM rewind.events WHERE route = 'orders-to-service-b' AND state = 'delivered'")
          == ORDERS);
      String received = get("http://127.0.0.1:" + serviceB + "/admin/orders");
      assertThat(received).contains("\"received\": " + ORDERS, "\"duplicates\": 0");
      // The ERP's order id is the event id (Idempotency-Key) and the correlation id (/orderId) of each event.
      assertThat(store.column("SELECT event_id FROM rewind.events ORDER BY id"))
          .hasSize(ORDERS).allMatch(id -> id.matches("ORD-\\d{4}-\\d{4}"))
          .isEqualTo(store.column("SELECT correlation_id FROM rewind.events ORDER BY id"));
    }
  }

  private static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      // Not listening yet.
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int post(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int delete(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).DELETE().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** One of the example programs, run by python3 as the image runs it. */
  private static final class App implements AutoCloseable {

    private final Process process;
    private final Path log;

    private App(Process process, Path log) {
      this.process = process;
      this.log = log;
    }

    static App start(Path work, String name, String program, Map<String, String> env) throws IOException {
      Path log = work.resolve(name + ".log");
      ProcessBuilder builder = new ProcessBuilder(List.of("python3", APPS.resolve(program).toString()))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      // As in the image: no .pyc next to the sources, and no proxy but the one a test gives.
      builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      builder.environment().keySet().removeIf(k -> k.equalsIgnoreCase("http_proxy")
          || k.equalsIgnoreCase("no_proxy") || k.equalsIgnoreCase("https_proxy"));
      builder.environment().putAll(env);
      return new App(builder.start(), log);
    }

    int waitFor(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("still running after " + timeout + ": " + log());
      }
      return process.exitValue();
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

  /** Runs the test only where python3 runs (the example apps need nothing else). */
  static final class PythonAvailable implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      try {
        Process version = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
        boolean finished = version.waitFor(10, TimeUnit.SECONDS);
        if (finished && version.exitValue() == 0) {
          return ConditionEvaluationResult.enabled(new String(version.getInputStream().readAllBytes()).trim());
        }
        version.destroyForcibly();
        return ConditionEvaluationResult.disabled("python3 --version failed: the example apps cannot run here");
      } catch (IOException e) {
        return ConditionEvaluationResult.disabled("no python3 on PATH (" + e.getMessage()
            + "): the example apps cannot run here");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ConditionEvaluationResult.disabled("interrupted while looking for python3");
      }
    }
  }
}
