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
 * {@code rewind flow} in-process against a real journal: one order's story across a three-hop flow whose last hop is
 * in another namespace, and the flow's broken orders.
 */
class FlowCommandIT {

  private static TestStore store;
  @TempDir
  static Path dir;
  private static Path flow;

  @BeforeAll
  static void seed() throws IOException {
    store = TestStore.create();
    flow = Files.writeString(dir.resolve("flow.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: order-fulfilment, namespace: shop}
        spec:
          hops:
            - routeRef: {name: erp-to-a}
            - routeRef: {name: a-to-b}
            - routeRef: {name: b-to-partner, namespace: fulfilment}
          within: 5m
        """);
    event("shop", "erp-to-a", "ORD-1", EventState.DELIVERED, 30, 30);
    event("shop", "a-to-b", "ORD-1", EventState.DELIVERED, 29, 29);
    event("fulfilment", "b-to-partner", "ORD-1", EventState.DELIVERED, 28, 28);
    // B answered 200 for ORD-2 ten minutes ago and never passed it on.
    event("shop", "erp-to-a", "ORD-2", EventState.DELIVERED, 12, 12);
    event("shop", "a-to-b", "ORD-2", EventState.DELIVERED, 11, 10);
  }

  @AfterAll
  static void close() {
    store.close();
  }

  private static void event(String namespace, String route, String order, EventState state, long minutesAgo,
      long completedMinutesAgo) {
    JournalSeed.in(store).namespace(namespace).route(route, "http://" + route + "/")
        .state(state, "delivered", 1).age(Duration.ofMinutes(minutesAgo))
        .completedAgo(Duration.ofMinutes(completedMinutesAgo)).correlation(i -> order).append(1);
  }

  @Test
  void aBrokenOrdersStoryMarksTheHopWhereItStopped() throws IOException {
    Cli cli = Cli.run("flow", "ORD-2", "-f", flow.toString(), "--store", store.url());
    Cli broken = Cli.run("flow", "--broken", "-f", flow.toString(), "--store", store.url());
    // What the README shows.
    Files.writeString(Files.createDirectories(Path.of("target", "it-output")).resolve("rewind-flow.txt"),
        "$ bin/rewind flow ORD-2 -f flow.yaml\n" + cli.out() + "$ bin/rewind flow --broken -f flow.yaml\n"
            + broken.out());

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
    assertThat(cli.out()).contains("Order ORD-2 in flow order-fulfilment (3 hops, within 5m):")
        .containsPattern("0 +shop/erp-to-a +1 +delivered")
        .containsPattern("2 +fulfilment/b-to-partner +0 +never captured")
        .contains("=> broken after hop 1: shop/a-to-b delivered it at",
            "fulfilment/b-to-partner never captured it within 5m")
        .contains("hop 0 shop/erp-to-a  event", "hop 1 shop/a-to-b  event");
  }

  @Test
  void aCompleteOrdersStoryReadsEveryNamespaceOfTheFlowInTimeOrder() {
    Cli cli = Cli.run("flow", "ORD-1", "-f", flow.toString(), "--store", store.url());

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out()).contains("=> complete: the last hop delivered it at");
    assertThat(cli.out().indexOf("hop 0 shop/erp-to-a")).isLessThan(cli.out().indexOf("hop 1 shop/a-to-b"));
    assertThat(cli.out().indexOf("hop 1 shop/a-to-b")).isLessThan(cli.out().indexOf("hop 2 fulfilment/b-to-partner"));
  }

  @Test
  void brokenListsWhatNeverArrived() {
    Cli cli = Cli.run("flow", "--broken", "-f", flow.toString(), "--store", store.url());

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
    assertThat(cli.out()).contains("Flow order-fulfilment: 2 orders entered in the last 24h: 1 complete,"
        + " 0 in flight, 0 failed, 1 broken.")
        .containsPattern("ORD-2 +1 \\(shop/a-to-b\\)");
  }

  @Test
  void theReplayOfTheBrokenOrdersReDeliversExactlyTheirLastDeliveredHop() throws IOException {
    // A flow of its own (namespace mend), so the replay leaves the other tests' orders as they are.
    Path mendFlow = Files.writeString(dir.resolve("mend-flow.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: mend, namespace: mend}
        spec:
          hops: [{routeRef: {name: erp-to-a}}, {routeRef: {name: a-to-b}}, {routeRef: {name: b-to-partner}}]
        """);
    event("mend", "erp-to-a", "ORD-7", EventState.DELIVERED, 20, 20);
    event("mend", "a-to-b", "ORD-7", EventState.DELIVERED, 19, 18);
    event("mend", "erp-to-a", "ORD-8", EventState.DELIVERED, 20, 20);
    event("mend", "a-to-b", "ORD-8", EventState.DELIVERED, 19, 18);
    event("mend", "b-to-partner", "ORD-8", EventState.DELIVERED, 17, 17);
    Path replays = dir.resolve("mend.yaml");
    Path config = Files.createDirectories(dir.resolve("rewind.d"));
    try (HttpSink serviceB = HttpSink.start()) {
      // Service A's Route to B, the hop the order broke after.
      Files.writeString(config.resolve("routes.yaml"), """
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: a-to-b, namespace: mend}
          spec:
            destination: {url: "%s"}
            correlationId: {header: X-Order-Id}
          """.formatted(serviceB.url("/orders")));

      Cli broken = Cli.run("flow", "--broken", "-f", mendFlow.toString(), "--replay-file", replays.toString(),
          "--store", store.url());
      Cli replay = Cli.run("replay", "-f", replays.toString(), "--config-dir", config.toString(), "--store",
          store.url(), "--namespace", "mend");
      Cli after = Cli.run("flow", "--broken", "-f", mendFlow.toString(), "--store", store.url());

      assertThat(broken.out()).as(broken.toString()).contains("Wrote 1 Replay to " + replays);
      assertThat(Files.readString(replays)).contains("name: \"mend-broken-after-1\"", "namespace: \"mend\"",
          "- \"ORD-7\"", "- \"delivered\"");
      assertThat(replay.exitCode()).as(replay.toString()).isZero();
      assertThat(replay.out()).contains("Succeeded — matched 1, delivered 1, failed 0");
      // B gets ORD-7's event again, under the id it had, and nothing else.
      assertThat(serviceB.received()).extracting(r -> r.header("Rewind-Event-Id")).containsExactly(
          store.column("SELECT id::text FROM rewind.events WHERE namespace = 'mend' AND route = 'a-to-b'"
              + " AND correlation_id = 'ORD-7'").get(0));
      // Re-delivered just now: in flight again, B has within to pass it on.
      assertThat(after.out()).contains("2 orders entered in the last 24h: 1 complete, 1 in flight, 0 failed,"
          + " 0 broken");
    }
  }

  @Test
  void aFlowThatLoopsIsRefusedNamingTheField() throws IOException {
    Path loop = Files.writeString(dir.resolve("loop.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: loop}
        spec:
          hops: [{routeRef: {name: a}}, {routeRef: {name: b}}, {routeRef: {name: a}}]
        """);

    Cli cli = Cli.run("flow", "--broken", "-f", loop.toString(), "--store", store.url());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("spec.hops[2].routeRef", "Route default/a is hop 0 already");
  }
}
