package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.Appended;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.testing.Events;
import dev.rewind.journal.testing.KafkaBroker;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.journal.testing.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka routes whose credentials come from Secrets, against a real broker that takes SASL PLAIN only and authorizes
 * every request (StandardAuthorizer): the right credentials deliver; a user without ACLs, or a wrong password, is
 * refused by the broker, and the event is given up at once with the broker's reason in its trace.
 */
class KafkaSaslIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static TestStore store;
  private static KafkaBroker kafka;
  private Worker worker;

  /** The Secrets of namespace default, name/key to value: one per user, keys username and password. */
  private static final Map<String, String> VALUES = new java.util.concurrent.ConcurrentHashMap<>(Map.of(
      "admin/username", KafkaBroker.ADMIN,
      "admin/password", KafkaBroker.ADMIN_PASSWORD,
      "user1/username", KafkaBroker.USER1,
      "user1/password", KafkaBroker.USER1_PASSWORD,
      "wrong/username", KafkaBroker.ADMIN,
      "wrong/password", "not-the-password"));
  private static final SecretSource SECRETS = (namespace, name, key) -> VALUES.get(name + "/" + key);

  @BeforeAll
  static void start() {
    store = TestStore.create();
    kafka = KafkaBroker.launchSasl();
    kafka.createTopic("payments", Map.of());
  }

  @AfterAll
  static void stopAll() {
    kafka.close();
    store.close();
  }

  @AfterEach
  void stopWorker() {
    if (worker != null) {
      worker.close();
    }
  }

  private ResolvedRoute route(String name, String secret) {
    return Routes.one("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: %1$s-policy}
        spec:
          maxAttempts: 10
          backoff: {policy: fixed, initialDelay: 100ms, maxDelay: 100ms, jitter: 0}
          timeout: 5s
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: %1$s}
        spec:
          destination:
            kafka:
              bootstrapServers: ["%2$s"]
              topic: payments
              sasl:
                mechanism: PLAIN
                usernameSecretRef: {name: %3$s, key: username}
                passwordSecretRef: {name: %3$s, key: password}
          retryPolicyRef: {name: %1$s-policy}
          eventId: {header: Idempotency-Key}
        """.formatted(name, kafka.bootstrap(), secret));
  }

  private Appended capture(ResolvedRoute route, String key) {
    worker = worker != null ? worker : new Worker(store, "w-sasl", AddressPolicy.standalone(), SECRETS, route);
    worker.serve(route);
    return worker.pipeline.capture(Events.of(route, key, "{\"payment\":\"" + key + "\"}",
        new Header("Idempotency-Key", key)), route).await().atMost(WAIT);
  }

  private static String stateWhenSettled(Appended appended) {
    await().atMost(WAIT).until(() -> List.of("delivered", "dead").contains(
        store.column("SELECT state FROM rewind.events WHERE id = $1", appended.id()).get(0)));
    return store.column("SELECT state FROM rewind.events WHERE id = $1", appended.id()).get(0);
  }

  private static List<AttemptRecord> attempts(Appended appended) {
    return store.events.trace("default", appended.id()).await().atMost(WAIT).orElseThrow().attempts();
  }

  @Test
  void credentialsReadFromSecretsDeliver() {
    Appended appended = capture(route("as-admin", "admin"), "p-1");

    assertThat(stateWhenSettled(appended)).isEqualTo("delivered");
    List<ConsumerRecord<byte[], byte[]>> records = kafka.read("payments", 1);
    assertThat(records).extracting(r -> new String(r.headers().lastHeader(AttemptRunner.EVENT_ID_HEADER).value(),
        StandardCharsets.UTF_8)).contains(appended.id().toString());
  }

  @Test
  void anEventWhoseSecretIsMissingIsKeptAndAReplayDeliversItOnceTheSecretExists() {
    ResolvedRoute route = route("later", "later");
    Appended appended = capture(route, "p-4");

    assertThat(stateWhenSettled(appended)).isEqualTo("dead");
    assertThat(attempts(appended).get(0).error())
        .isEqualTo("destination.kafka.sasl.usernameSecretRef (secret later/username) is not available");

    VALUES.put("later/username", KafkaBroker.ADMIN);
    VALUES.put("later/password", KafkaBroker.ADMIN_PASSWORD);
    dev.rewind.journal.replay.ReplayRequest request = dev.rewind.journal.replay.Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: after-the-secret}
        spec: {routeRef: {name: later}, states: [dead], rateLimit: 0}
        """, route);
    try (dev.rewind.journal.replay.Replays.Engine engine = new dev.rewind.journal.replay.Replays.Engine(store,
        "w-replay", SECRETS, Duration.ofSeconds(60))) {
      assertThat(engine.run(request).delivered()).isEqualTo(1);
    }
    assertThat(kafka.read("payments", 1)).extracting(r -> new String(
        r.headers().lastHeader(AttemptRunner.EVENT_ID_HEADER).value(), StandardCharsets.UTF_8))
        .contains(appended.id().toString());
  }

  @Test
  void aUserWithoutAclsIsRefusedOnceWithTheBrokersReason() {
    Appended appended = capture(route("as-user1", "user1"), "p-2");

    assertThat(stateWhenSettled(appended)).isEqualTo("dead");
    List<AttemptRecord> attempts = attempts(appended);
    assertThat(attempts).hasSize(1);
    assertThat(attempts.get(0).outcome()).isEqualTo("config-error");
    assertThat(attempts.get(0).error()).startsWith("kafka refused the write to topic payments: ")
        .contains("TopicAuthorizationException");
  }

  @Test
  void aWrongPasswordIsRefusedOnceWithTheBrokersReason() {
    Appended appended = capture(route("wrong-password", "wrong"), "p-3");

    assertThat(stateWhenSettled(appended)).isEqualTo("dead");
    List<AttemptRecord> attempts = attempts(appended);
    assertThat(attempts).hasSize(1);
    assertThat(attempts.get(0).outcome()).isEqualTo("config-error");
    assertThat(attempts.get(0).error()).contains("SaslAuthenticationException");
  }
}
