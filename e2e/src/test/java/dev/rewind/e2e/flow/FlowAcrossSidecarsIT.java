package dev.rewind.e2e.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.FlowQuery;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.flow.FlowTally;
import dev.rewind.journal.replay.ReplayStatusView;
import dev.rewind.journal.replay.Replays;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loss no single hop shows, found and mended with real sidecars: Service A's sidecar journals each order to
 * Service B; Service B answers 200 to every order, forwards it to the partner through its own sidecar — except a
 * known set it drops. Both hops look green; the Flow (A → B, B → partner) says exactly which orders broke after B,
 * the Replays built from it give them to B again once B is fixed, and then every order is complete, each reaching
 * the partner once.
 */
class FlowAcrossSidecarsIT {

  private static final int ORDERS = 12;
  private static final Set<String> DROPPED = Set.of("ORD-03", "ORD-07", "ORD-11");
  private static final Pattern ORDER = Pattern.compile("\"orderId\":\\s*\"([^\"]+)\"");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final FlowHops FLOW = new FlowHops(List.of(new FlowHops.Hop("default", "a-to-b"),
      new FlowHops.Hop("default", "b-to-partner")), Duration.ofSeconds(1), Duration.ofHours(1));

  @TempDir
  Path work;

  @Test
  void theFlowFindsExactlyTheOrdersBDroppedAndTheirReplayCompletesThem() throws Exception {
    Set<String> droppedByB = ConcurrentHashMap.newKeySet();
    AtomicBoolean bIsBroken = new AtomicBoolean(true);
    try (TestStore store = TestStore.create(); HttpSink partner = HttpSink.start()) {
      Path bConfig = config("b", """
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: b-to-partner}
          spec:
            destination: {url: "%s"}
            match: {host: partner.example, pathPrefix: /orders}
            eventId: {header: Idempotency-Key}
            correlationId: {jsonPointer: /orderId}
          """.formatted(partner.url("/orders")));
      try (SidecarProcess bSidecar = sidecar(store, bConfig, "b")) {
        HttpClient viaB = HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", bSidecar.proxyPort))).build();
        HttpServer serviceB = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serviceB.setExecutor(Executors.newFixedThreadPool(4));
        serviceB.createContext("/orders", exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Matcher order = ORDER.matcher(body);
          int status = 200;
          if (!order.find()) {
            status = 400;
          } else if (bIsBroken.get() && DROPPED.contains(order.group(1))) {
            droppedByB.add(order.group(1));
          } else {
            status = forward(viaB, order.group(1), body) == 202 ? 200 : 503;
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
        serviceB.start();
        Path aConfig = config("a", """
            apiVersion: rewind.dev/v1alpha1
            kind: Route
            metadata: {name: a-to-b}
            spec:
              destination: {url: "http://127.0.0.1:%d/orders"}
              match: {host: service-b.example, pathPrefix: /orders}
              eventId: {header: Idempotency-Key}
              correlationId: {jsonPointer: /orderId}
            """.formatted(serviceB.getAddress().getPort()));
        try (SidecarProcess aSidecar = sidecar(store, aConfig, "a")) {
          HttpClient viaA = HttpClient.newBuilder()
              .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", aSidecar.proxyPort))).build();
          List<String> orders = IntStream.rangeClosed(1, ORDERS).mapToObj(i -> String.format("ORD-%02d", i)).toList();
          for (String order : orders) {
            assertThat(post(viaA, "http://service-b.example/orders", order)).as(order).isEqualTo(202);
          }
          FlowQuery flow = new FlowQuery(store.store.pool());

          // Every hop looks green: A delivered every order to B, B's sidecar every order B forwarded.
          await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE state = 'delivered'")
              == 2L * ORDERS - DROPPED.size());
          assertThat(store.count("SELECT count(*) FROM rewind.events WHERE state <> 'delivered'")).isZero();
          // Once within has passed, the Flow names exactly what B dropped (B's own ledger).
          FlowTally broken = await().atMost(WAIT).until(() -> flow.tally(FLOW, Instant.now()).await().atMost(WAIT),
              t -> t.brokenCount() == DROPPED.size() && t.inFlight() == 0);
          assertThat(broken.broken()).extracting(FlowTally.Stopped::correlationId)
              .containsExactlyInAnyOrderElementsOf(droppedByB).containsExactlyInAnyOrderElementsOf(DROPPED);
          assertThat(broken.broken()).allSatisfy(b -> assertThat(b.hop()).isZero());
          assertThat(broken.complete()).isEqualTo(ORDERS - DROPPED.size());

          // B is fixed; on-call replays the Flow's broken orders: their last delivered hop (A → B) sends them again.
          bIsBroken.set(false);
          ResolvedRoute aToB = Routes.one(Files.readString(aConfig.resolve("routes.yaml")));
          FlowRoutes resolved = new FlowRoutes(FLOW, List.of());
          try (Replays.Engine engine = new Replays.Engine(store, "flow-it")) {
            ReplayStatusView preview = engine.run(Replays.request(replayOfBroken("preview", true), resolved, aToB));
            assertThat(preview.phase()).as(preview.message()).isEqualTo(ReplayPhase.Previewed);
            assertThat(preview.matched()).isEqualTo(broken.brokenCount());
            ReplayStatusView done = engine.run(Replays.request(replayOfBroken("mend", false), resolved, aToB));
            assertThat(done.phase()).isEqualTo(ReplayPhase.Succeeded);
            assertThat(done.matched()).isEqualTo(DROPPED.size());
          }

          FlowTally mended = await().atMost(WAIT).until(() -> flow.tally(FLOW, Instant.now()).await().atMost(WAIT),
              t -> t.complete() == ORDERS);
          assertThat(mended.brokenCount()).isZero();
          // The partner has every order, each once, under the order's own id.
          List<String> atPartner = partner.received().stream().map(r -> r.header("Idempotency-Key")).sorted()
              .toList();
          assertThat(atPartner).containsExactlyElementsOf(orders);
          assertThat(partner.received()).hasSize(ORDERS);
        } finally {
          serviceB.stop(0);
        }
      }
    }
  }

  private static String replayOfBroken(String name, boolean dryRun) {
    return """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: %s}
        spec: {flowRef: {name: orders}, dryRun: %s}
        """.formatted(name, dryRun);
  }

  private Path config(String name, String routes) throws IOException {
    Path dir = Files.createDirectories(work.resolve(name + "-rewind.d"));
    Files.writeString(dir.resolve("routes.yaml"), routes);
    return dir;
  }

  private SidecarProcess sidecar(TestStore store, Path config, String name) {
    return new SidecarProcess(Map.of("rewind.mode", "standalone", "rewind.config-dir", config.toString(),
        "rewind.store.url", store.url(), "rewind.workload", "service-" + name), work.resolve(name + "-sidecar.log"))
        .start(Duration.ofSeconds(90));
  }

  private static int forward(HttpClient viaB, String order, String body) {
    try {
      return post(viaB, "http://partner.example/orders", order);
    } catch (IOException e) {
      return 503;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 503;
    }
  }

  private static int post(HttpClient client, String url, String order) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").header("Idempotency-Key", order)
        .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\": \"" + order + "\"}")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
