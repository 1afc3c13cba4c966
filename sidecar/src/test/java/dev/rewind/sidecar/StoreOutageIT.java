package dev.rewind.sidecar;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TcpProxy;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fail closed, and fast: with the store gone, nothing is acknowledged and readiness says so. */
class StoreOutageIT {

  private static final String ROUTE = """
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: orders}
      spec:
        destination: {url: "SINK/orders"}
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: open}
      spec:
        destination: {url: "SINK/open"}
        onStoreUnavailable: forward
      """;

  @Test
  void aHangingStoreGets503WithRetryAfterWithinTheWriteTimeoutAndRecovers(@TempDir Path dir) throws Exception {
    try (HttpSink sink = HttpSink.start();
        TcpProxy proxy = new TcpProxy(EmbeddedPostgres.port())) {
      Path routes = Files.createDirectories(dir.resolve("routes"));
      Files.writeString(routes.resolve("routes.yaml"), ROUTE.replace("SINK", "http://127.0.0.1:" + sink.port()));
      try (SidecarProcess sidecar = new SidecarProcess(Map.of(
          "rewind.config-dir", routes.toString(),
          "rewind.store.url", "postgresql://postgres@127.0.0.1:" + proxy.port() + "/"
              + EmbeddedPostgres.newDatabase()), dir.resolve("sidecar.log")).start(Duration.ofSeconds(60))) {
        String orders = "http://127.0.0.1:" + sidecar.capturePort + "/v1/routes/orders";
        given().body("{}").post(orders).then().statusCode(202);

        proxy.cut();
        long t0 = System.nanoTime();
        Response refused = given().body("{\"n\":1}").post(orders);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        refused.then().statusCode(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        // The write timeout is 2 s; the margin absorbs a loaded CI machine, not a design slack.
        assertThat(took).isLessThan(Duration.ofMillis(3500));
        await().atMost(Duration.ofSeconds(10)).until(() -> sidecar.readinessStatus() == 503);

        // A route that prefers delivery over the record forwards unjournaled.
        given().body("{\"n\":2}").post("http://127.0.0.1:" + sidecar.capturePort + "/v1/routes/open")
            .then().statusCode(200);
        assertThat(sink.received()).anyMatch(r -> r.path().equals("/open"));

        proxy.restore();
        await().atMost(Duration.ofSeconds(20)).until(sidecar::ready);
        given().body("{\"n\":3}").post(orders).then().statusCode(202);
      }
    }
  }

  @Test
  void readinessIsFalseAgainstAStoreThatDoesNotCommitDurably(@TempDir Path dir) throws Exception {
    // fsync off (the embedded server's default for test speed): a commit could vanish in a crash.
    try (HttpSink sink = HttpSink.start();
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres store =
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setServerConfig("fsync", "off").start()) {
      Path routes = Files.createDirectories(dir.resolve("routes"));
      Files.writeString(routes.resolve("routes.yaml"), ROUTE.replace("SINK", "http://127.0.0.1:" + sink.port()));
      try (SidecarProcess sidecar = new SidecarProcess(Map.of(
          "rewind.config-dir", routes.toString(),
          "rewind.store.url", "postgresql://postgres@127.0.0.1:" + store.getPort() + "/postgres"),
          dir.resolve("sidecar.log")).launch()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> sidecar.readinessStatus() != -1);

        String health = given().get("http://127.0.0.1:" + sidecar.managementPort + "/q/health/ready")
            .then().statusCode(503).extract().asString();
        assertThat(health).contains("fsync=off: commits are not durable");
        assertThat(sql(store, "SHOW fsync")).isEqualTo("off");
      }
    }
  }

  private static String sql(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg, String sql) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
        var rows = s.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
