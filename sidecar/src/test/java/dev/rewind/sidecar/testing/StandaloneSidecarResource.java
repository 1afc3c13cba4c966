package dev.rewind.sidecar.testing;

import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A standalone sidecar's surroundings for {@code @QuarkusTest}s: a fresh database on the embedded PostgreSQL, two
 * real HTTP destinations, and a config directory with routes pointing at them.
 */
public class StandaloneSidecarResource implements QuarkusTestResourceLifecycleManager {

  public static HttpSink sink;
  public static HttpSink other;
  public static String database;
  public static Path configDir;
  /** The pod's labels as the downward API writes them: sorted, Go-quoted. */
  public static final String LABELS = "app=\"orders\"\nteam=\"payments \\\"core\\\"\"\nversion=\"v1\"\n";

  @Override
  public Map<String, String> start() {
    database = EmbeddedPostgres.newDatabase();
    sink = HttpSink.start();
    other = HttpSink.start();
    try {
      configDir = Files.createTempDirectory("rewind-routes");
      Files.writeString(configDir.resolve("routes.yaml"), ROUTES.replace("SINK", "http://127.0.0.1:" + sink.port()));
      Files.writeString(configDir.resolveSibling(configDir.getFileName() + "-labels"), LABELS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "rewind.store.url", "postgresql://postgres@127.0.0.1:" + EmbeddedPostgres.port() + "/" + database,
        "rewind.config-dir", configDir.toString(),
        "rewind.capture.port", "0",
        "rewind.proxy.port", "0",
        "rewind.pod", "sidecar-test",
        "rewind.workload", "service-a",
        "rewind.labels-file", configDir.resolveSibling(configDir.getFileName() + "-labels").toString(),
        "rewind.capture.max-body-size", "1024");
  }

  /** An independent connection's view of the journal. */
  public static TestStore store() {
    return TestStore.attach(database);
  }

  @Override
  public void stop() {
    sink.close();
    other.close();
  }

  private static final String ROUTES = """
      apiVersion: rewind.dev/v1alpha1
      kind: RetryPolicy
      metadata: {name: fast}
      spec:
        maxAttempts: 5
        backoff: {policy: fixed, initialDelay: 50ms, maxDelay: 50ms, jitter: 0}
        timeout: 2s
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: orders}
      spec:
        destination: {url: "SINK/orders"}
        retryPolicyRef: {name: fast}
        eventId: {header: Idempotency-Key}
        correlationId: {jsonPointer: /orderId}
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: pass}
      spec:
        destination: {url: "SINK/pass"}
        mode: passthrough
        retryPolicyRef: {name: fast}
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: proxied}
      spec:
        destination: {url: "SINK/b"}
        match: {host: service-b.test, pathPrefix: /orders}
        retryPolicyRef: {name: fast}
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: cloudevents}
      spec:
        destination: {url: "SINK/ce"}
      """;
}
