package dev.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewind replay} of a Replay with flowRef, standalone: the Flow and its Routes are read from the config
 * directory, as the sidecar reads them, and the Flow's broken orders are re-delivered from the hop that last
 * delivered them. A flowRef naming no Flow of the directory is refused naming the file and the field.
 */
class FlowReplayCommandIT {

  private static TestStore store;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    store = TestStore.create();
  }

  @AfterAll
  static void close() {
    store.close();
  }

  private static void event(String route, String order, long minutesAgo) {
    JournalSeed.in(store).namespace("orders").route(route, "http://" + route + "/")
        .state(EventState.DELIVERED, "delivered", 1).age(Duration.ofMinutes(minutesAgo))
        .completedAgo(Duration.ofMinutes(minutesAgo - 1)).correlation(i -> order).append(1);
  }

  private static Path config(HttpSink serviceB) throws IOException {
    Path config = Files.createDirectories(dir.resolve("rewind.d"));
    Files.writeString(config.resolve("routes.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: a-to-b}
        spec:
          destination: {url: "%s"}
          correlationId: {header: X-Order-Id}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: b-to-partner}
        spec:
          destination: {url: "http://partner.example/orders"}
          correlationId: {header: X-Order-Id}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: chain}
        spec:
          hops: [{routeRef: {name: a-to-b}}, {routeRef: {name: b-to-partner}}]
          within: 2m
        """.formatted(serviceB.url("/orders")));
    return config;
  }

  @Test
  void theFlowsBrokenOrdersAreSentAgainToTheServiceThatDroppedThem() throws IOException {
    event("a-to-b", "ORD-1", 20);
    event("b-to-partner", "ORD-1", 19);
    event("a-to-b", "ORD-2", 15);
    event("a-to-b", "ORD-3", 14);
    Path replay = Files.writeString(dir.resolve("replay.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: broken-orders}
        spec:
          flowRef: {name: chain}
          rateLimit: 0
        """);
    try (HttpSink serviceB = HttpSink.start()) {
      Path config = config(serviceB);

      Cli run = Cli.run("replay", "-f", replay.toString(), "--config-dir", config.toString(), "--store",
          store.url(), "--namespace", "orders");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains("Succeeded — matched 2, delivered 2, failed 0");
      assertThat(serviceB.received()).extracting(r -> r.header("Rewind-Event-Id"))
          .containsExactlyInAnyOrderElementsOf(store.column("SELECT id::text FROM rewind.events"
              + " WHERE namespace = 'orders' AND route = 'a-to-b' AND correlation_id IN ('ORD-2', 'ORD-3')"));
    }
  }

  @Test
  void aFlowRefNamingNoFlowIsRefusedNamingTheFileAndTheField() throws IOException {
    Path replay = Files.writeString(dir.resolve("lost.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: lost}
        spec:
          flowRef: {name: chian}
        """);
    try (HttpSink serviceB = HttpSink.start()) {
      Cli run = Cli.run("replay", "-f", replay.toString(), "--config-dir", config(serviceB).toString(), "--store",
          store.url(), "--namespace", "orders");

      assertThat(run.exitCode()).as(run.toString()).isNotZero();
      assertThat(run.err()).contains(replay.toString(), "spec.flowRef.name", "FlowNotFound: Flow \"chian\" not found");
      assertThat(serviceB.received()).isEmpty();
    }
  }
}
