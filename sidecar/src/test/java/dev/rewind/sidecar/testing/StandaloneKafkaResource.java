package dev.rewind.sidecar.testing;

import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.KafkaBroker;
import dev.rewind.journal.testing.TestStore;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A standalone sidecar whose route delivers to Kafka: a fresh database, a real KRaft broker in the test JVM with
 * the route's topic, and a config directory with the route.
 */
public class StandaloneKafkaResource implements QuarkusTestResourceLifecycleManager {

  public static KafkaBroker kafka;
  public static String database;

  @Override
  public Map<String, String> start() {
    database = EmbeddedPostgres.newDatabase();
    kafka = KafkaBroker.launch();
    kafka.createTopic("orders", Map.of());
    try {
      Path configDir = Files.createTempDirectory("rewind-kafka-routes");
      Files.writeString(configDir.resolve("routes.yaml"), ROUTES.formatted(kafka.bootstrap()));
      return Map.of(
          "rewind.store.url", "postgresql://postgres@127.0.0.1:" + EmbeddedPostgres.port() + "/" + database,
          "rewind.config-dir", configDir.toString(),
          "rewind.capture.port", "0",
          "rewind.proxy.port", "0",
          "rewind.pod", "sidecar-kafka-test",
          "rewind.workload", "service-a");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TestStore store() {
    return TestStore.attach(database);
  }

  @Override
  public void stop() {
    kafka.close();
  }

  private static final String ROUTES = """
      apiVersion: rewind.dev/v1alpha1
      kind: RetryPolicy
      metadata: {name: fast}
      spec:
        maxAttempts: 5
        backoff: {policy: fixed, initialDelay: 50ms, maxDelay: 50ms, jitter: 0}
        timeout: 5s
      ---
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: orders-to-kafka}
      spec:
        destination:
          kafka: {bootstrapServers: ["%s"], topic: orders, key: correlationId}
        retryPolicyRef: {name: fast}
        eventId: {header: Idempotency-Key}
        correlationId: {jsonPointer: /orderId}
      """;
}
