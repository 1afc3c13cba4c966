package dev.rewind.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.delivery.BreakerStateMachine;
import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.HttpSink.Answer;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker's half-open probe is one attempt at a time across every sidecar of a destination; the sidecar
 * holding it can die mid-probe. Here a real sidecar process is killed with SIGKILL while its probe hangs at the
 * destination: a second sidecar takes the probe over once the first one's probe lease runs out, the breaker closes
 * when the destination is back, every event is delivered and none dies, and the killed probe is in the attempt log
 * as {@code interrupted}, so the log holds every request the destination received.
 */
class BreakerProberKilledIT {

  private static final String ROUTE = "probe-kill";
  private static final int EVENTS = 6;
  private static final Duration WAIT = Duration.ofSeconds(120);

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void aSidecarKilledWhileItProbesLeavesNoBreakerStuckAndItsProbeInTheLog() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "breaker-prober-killed-it"));
    String database = EmbeddedPostgres.newDatabase();
    AtomicBoolean up = new AtomicBoolean(false);
    AtomicReference<Instant> hangingSince = new AtomicReference<>();
    try (HttpSink sink = HttpSink.start(); TestStore store = TestStore.attach(database)) {
      sink.answer(r -> up.get() ? Answer.status(200)
          : hangingSince.get() != null ? Answer.hang(Duration.ofMinutes(2)) : Answer.status(503));
      Path routes = Files.createDirectories(work.resolve("routes"));
      Files.writeString(routes.resolve("routes.yaml"), """
          apiVersion: rewind.dev/v1alpha1
          kind: RetryPolicy
          metadata: {name: probing}
          spec:
            maxAttempts: 8
            backoff: {policy: fixed, initialDelay: 200ms, maxDelay: 200ms, jitter: 0}
            timeout: 3s
            circuitBreaker: {consecutiveFailures: 2, openFor: 1s, drainRate: 50}
          ---
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: %s}
          spec:
            destination: {url: "%s"}
            retryPolicyRef: {name: probing}
            eventId: {header: Idempotency-Key}
          """.formatted(ROUTE, sink.url("/orders")));
      String destination = BreakerStateMachine.key(sink.url("/orders"));
      String storeUrl = "postgresql://postgres@127.0.0.1:" + EmbeddedPostgres.port() + "/" + database;
      // Short delivery leases: the killed sidecar's claims come back within seconds, not the default minute.
      Map<String, String> common = Map.of("rewind.config-dir", routes.toString(), "rewind.store.url", storeUrl,
          "rewind.delivery.lease", "10s");
      try (SidecarProcess a = new SidecarProcess(with(common, "rewind.pod", "prober-a"), work.resolve("a.log"));
          SidecarProcess b = new SidecarProcess(with(common, "rewind.pod", "prober-b"), work.resolve("b.log"))) {
        a.start(Duration.ofSeconds(90));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
          ids.add(capture(a, "order-" + i));
        }
        await().atMost(WAIT).until(() -> !store.column("SELECT state FROM rewind.breakers WHERE destination = $1",
            destination).isEmpty());

        // The destination now hangs: the next probe stays in flight at it.
        hangingSince.set(Instant.now());
        await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.breakers WHERE destination = $1"
            + " AND state = 'half_open' AND probe_owner LIKE 'prober-a%'", destination) == 1
            && sink.received().stream().anyMatch(r -> !r.at().isBefore(hangingSince.get())));
        a.kill();
        up.set(true);

        b.start(Duration.ofSeconds(90));
        await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE route = $1"
            + " AND state = 'delivered'", ROUTE) == EVENTS);
        await().atMost(WAIT).until(() -> store.column("SELECT state FROM rewind.breakers WHERE destination = $1",
            destination).equals(List.of("closed")));
        assertThat(store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state = 'dead'", ROUTE))
            .isZero();

        // The probe that was hanging when prober-a died is recorded, by prober-a, as interrupted.
        assertThat(store.count("SELECT count(*) FROM rewind.attempts a JOIN rewind.events e ON e.id = a.event_id"
            + " WHERE e.route = $1 AND a.worker LIKE 'prober-a%' AND a.outcome = 'interrupted'", ROUTE))
            .isPositive();
        // Every request the destination received is in the log: per event, received <= attempts recorded.
        for (String id : ids) {
          long received = sink.received().stream().filter(r -> id.equals(r.header("Rewind-Event-Id"))).count();
          long logged = store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = $1", UUID.fromString(id));
          assertThat(received).as("requests for %s at the destination", id).isLessThanOrEqualTo(logged);
        }
      }
    }
  }

  private static Map<String, String> with(Map<String, String> common, String key, String value) {
    Map<String, String> all = new HashMap<>(common);
    all.put(key, value);
    return all;
  }

  private String capture(SidecarProcess via, String key) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(via.captureRequest(ROUTE, key, "{\"order\":\"" + key + "\"}"),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return response.headers().firstValue("Rewind-Event-Id").orElseThrow();
  }
}
