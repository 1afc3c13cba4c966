package dev.rewind.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A sidecar killed with SIGKILL while its attempts are at the destination: those attempts are in the log, marked
 * interrupted, and count against the policy. The destination counts what it receives; for every event the log
 * holds exactly as many attempts as the destination received.
 */
class InterruptedAttemptsIT {

  private static final int EVENTS = 12;

  @Test
  void attemptsCutShortByAKillAreRecordedAsInterruptedAndCountAgainstThePolicy() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "interrupted-it"));
    String database = EmbeddedPostgres.newDatabase();
    AtomicBoolean holding = new AtomicBoolean(true);
    try (HttpSink sink = HttpSink.start(); TestStore store = TestStore.attach(database)) {
      // While holding, the destination receives each request and never answers it: the attempts are under way.
      sink.answer(r -> holding.get() ? HttpSink.Answer.hang(Duration.ofMinutes(5)) : HttpSink.Answer.status(200));
      Path routes = Files.createDirectories(work.resolve("routes"));
      Files.writeString(routes.resolve("routes.yaml"), """
          apiVersion: rewind.dev/v1alpha1
          kind: RetryPolicy
          metadata: {name: two-tries}
          spec:
            maxAttempts: 2
            backoff: {policy: fixed, initialDelay: 100ms, maxDelay: 100ms, jitter: 0}
            timeout: 60s
          ---
          apiVersion: rewind.dev/v1alpha1
          kind: RetryPolicy
          metadata: {name: one-try}
          spec:
            maxAttempts: 1
            timeout: 60s
          ---
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: orders}
          spec:
            destination: {url: "%1$s"}
            retryPolicyRef: {name: two-tries}
            eventId: {header: Idempotency-Key}
          ---
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: invoices}
          spec:
            destination: {url: "%2$s"}
            retryPolicyRef: {name: one-try}
            eventId: {header: Idempotency-Key}
          """.formatted(sink.url("/orders"), sink.url("/invoices")));
      Map<String, String> properties = Map.of(
          "rewind.config-dir", routes.toString(),
          "rewind.store.url", "postgresql://postgres@127.0.0.1:" + EmbeddedPostgres.port() + "/" + database,
          "rewind.pod", "interrupted-sidecar");
      SidecarProcess sidecar = new SidecarProcess(properties, work.resolve("sidecar.log")).start(Duration.ofSeconds(60));
      HttpClient client = HttpClient.newHttpClient();
      Map<String, String> ids = new HashMap<>();
      for (int n = 0; n < EVENTS; n++) {
        String route = n % 2 == 0 ? "orders" : "invoices";
        String key = route + "-" + n;
        HttpResponse<String> response = client.send(sidecar.captureRequest(route, key, "{\"n\":" + n + "}"),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
        ids.put(key, response.headers().firstValue("Rewind-Event-Id").orElseThrow());
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.count() == EVENTS);

      sidecar.kill();
      holding.set(false);
      sidecar = new SidecarProcess(properties, work.resolve("sidecar.log")).start(Duration.ofSeconds(60));

      // orders (2 tries): the interrupted attempt was the first; the second delivers.
      // invoices (1 try): the interrupted attempt used up the policy: dead, and not sent again.
      await().atMost(Duration.ofSeconds(60)).until(() -> store.count("SELECT count(*) FROM rewind.events"
          + " WHERE state IN ('delivered', 'dead')") == EVENTS);
      for (Map.Entry<String, String> e : ids.entrySet()) {
        boolean twoTries = e.getKey().startsWith("orders");
        List<String> outcomes = store.column("SELECT outcome FROM rewind.attempts WHERE event_id = $1::uuid"
            + " ORDER BY number", e.getValue());
        List<String> numbers = store.column("SELECT number FROM rewind.attempts WHERE event_id = $1::uuid"
            + " ORDER BY number", e.getValue());
        int received = sink.receivedFor(e.getValue()).size();
        assertThat(outcomes).as("attempts of %s", e.getKey())
            .containsExactlyElementsOf(twoTries ? List.of("interrupted", "delivered") : List.of("interrupted"));
        assertThat(numbers).as("numbers of %s", e.getKey())
            .containsExactlyElementsOf(twoTries ? List.of("1", "2") : List.of("1"));
        assertThat(received).as("requests the destination received for %s", e.getKey())
            .isEqualTo(outcomes.size());
        assertThat(store.column("SELECT state || '/' || attempts FROM rewind.events WHERE id = $1::uuid",
            e.getValue())).containsExactly(twoTries ? "delivered/2" : "dead/1");
      }
      sidecar.close();
    }
  }
}
