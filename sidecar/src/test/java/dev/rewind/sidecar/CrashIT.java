package dev.rewind.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.journal.testing.SidecarProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Nothing acknowledged is lost: the sidecar runs as its own process and is killed with SIGKILL five times while a
 * producer sends 2,400 events. The producer does what real senders do, sending again whatever was not
 * acknowledged. After the last restart every acknowledged event reaches the destination, and every duplicate the
 * destination sees carries the same event id.
 */
class CrashIT {

  private static final int EVENTS = 2400;
  private static final int KILLS = 5;
  private static final int PRODUCERS = 8;

  @Test
  void everyAcknowledgedEventIsDeliveredAcrossFiveKills() throws Exception {
    Path work = Files.createDirectories(Path.of("target", "crash-it"));
    String database = EmbeddedPostgres.newDatabase();
    try (HttpSink sink = HttpSink.start(); TestStore store = TestStore.attach(database)) {
      Path routes = Files.createDirectories(work.resolve("routes"));
      Files.writeString(routes.resolve("routes.yaml"), """
          apiVersion: rewind.dev/v1alpha1
          kind: RetryPolicy
          metadata: {name: steady}
          spec:
            maxAttempts: 100
            backoff: {policy: fixed, initialDelay: 100ms, maxDelay: 100ms, jitter: 0}
            timeout: 2s
          ---
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: orders}
          spec:
            destination: {url: "%s"}
            retryPolicyRef: {name: steady}
            eventId: {header: Idempotency-Key}
          """.formatted(sink.url("/orders")));
      Map<String, String> properties = Map.of(
          "rewind.config-dir", routes.toString(),
          "rewind.store.url", "postgresql://postgres@127.0.0.1:" + EmbeddedPostgres.port() + "/" + database,
          "rewind.pod", "crash-sidecar");
      SidecarProcess first = new SidecarProcess(properties, work.resolve("sidecar.log"))
          .start(Duration.ofSeconds(60));
      SidecarProcess[] current = {first};

      Map<String, String> acked = new ConcurrentHashMap<>();
      AtomicInteger next = new AtomicInteger();
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
      for (int p = 0; p < PRODUCERS; p++) {
        producers.submit(() -> {
          for (int n = next.getAndIncrement(); n < EVENTS; n = next.getAndIncrement()) {
            String key = "order-" + n;
            while (true) {
              try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + current[0].capturePort + "/v1/routes/orders"))
                    .header("Idempotency-Key", key)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":" + n + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                  acked.put(key, response.headers().firstValue("Rewind-Event-Id").orElseThrow());
                  break;
                }
              } catch (java.io.IOException e) {
                // The sidecar is down or was killed mid-request: not acknowledged, so send it again.
              }
              // A producer's own back-off before sending again, as any sender has.
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
          }
          return null;
        });
      }
      producers.shutdown();

      for (int kill = 1; kill <= KILLS; kill++) {
        int threshold = EVENTS * kill / (KILLS + 1);
        await().atMost(Duration.ofSeconds(120)).until(() -> acked.size() >= threshold);
        current[0].kill();
        current[0] = new SidecarProcess(properties, work.resolve("sidecar.log")).start(Duration.ofSeconds(60));
      }
      assertThat(producers.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
      assertThat(acked).hasSize(EVENTS);

      await().atMost(Duration.ofMinutes(2)).until(() -> sink.received().stream()
          .map(r -> r.header("Idempotency-Key")).collect(Collectors.toSet()).containsAll(acked.keySet()));

      List<HttpSink.Received> received = sink.received();
      Map<String, Set<String>> idsPerKey = received.stream().collect(Collectors.groupingBy(
          r -> r.header("Idempotency-Key"), Collectors.mapping(r -> r.header("Rewind-Event-Id"),
              Collectors.toSet())));
      assertThat(idsPerKey.keySet()).containsAll(acked.keySet());
      acked.forEach((key, id) -> assertThat(idsPerKey.get(key)).as("event ids the sink saw for %s", key)
          .containsExactly(id));
      await().atMost(Duration.ofSeconds(30)).until(() -> store.count(
          "SELECT count(*) FROM rewind.events WHERE state = 'delivered'") == EVENTS);
      assertThat(store.count("SELECT count(*) FROM rewind.events")).isEqualTo(EVENTS);
      // Every send that may have reached the destination is in the attempt log: per event, the attempts recorded
      // with an outcome were all received, and the destination received no more than the log holds (interrupted
      // attempts are the ones whose request may or may not have arrived).
      Map<String, Long> receivedPerId = received.stream().collect(Collectors.groupingBy(
          r -> r.header("Rewind-Event-Id"), Collectors.counting()));
      for (String row : store.column("SELECT e.id || ' ' || count(a.number) FILTER (WHERE a.error_class IS NULL"
          + " OR a.error_class <> 'interrupted') || ' ' || count(a.number) FROM rewind.events e JOIN rewind.attempts"
          + " a ON a.event_id = e.id GROUP BY e.id")) {
        String[] parts = row.split(" ");
        long sent = receivedPerId.getOrDefault(parts[0], 0L);
        assertThat(sent).as("requests received for %s against its attempt log", parts[0])
            .isBetween(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
      }
      long duplicates = received.size() - idsPerKey.size();
      System.out.printf("crash test: %d events acknowledged, %d kills, %d deliveries, %d duplicates"
          + " (same event id), 0 lost%n", acked.size(), KILLS, received.size(), duplicates);
      current[0].close();
    }
  }
}
