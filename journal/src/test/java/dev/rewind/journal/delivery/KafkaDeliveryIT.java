package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.replay.ReplayRequest;
import dev.rewind.journal.replay.ReplayStatusView;
import dev.rewind.journal.replay.Replays;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.Appended;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.NewEvent;
import dev.rewind.journal.testing.Events;
import dev.rewind.journal.testing.KafkaBroker;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.journal.testing.Worker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Delivery to Kafka destinations against a real PostgreSQL and a real Kafka broker (one KRaft node, in-JVM). */
class KafkaDeliveryIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static TestStore store;
  private static KafkaBroker kafka;
  private Worker worker;

  @BeforeAll
  static void start() {
    store = TestStore.create();
    kafka = KafkaBroker.launch();
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

  /** A Route to {@code topic} on the test broker, with the given policy and extra lines under kafka:. */
  private static ResolvedRoute route(String name, String topic, String policy, String kafkaExtra) {
    return Routes.one("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: %1$s-policy}
        spec:
        %4$s
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: %1$s}
        spec:
          destination:
            kafka:
              bootstrapServers: ["%2$s"]
              topic: %3$s
        %5$s
          retryPolicyRef: {name: %1$s-policy}
          eventId: {header: Idempotency-Key}
          correlationId: {jsonPointer: /orderId}
          eventType: {header: ce-type}
        """.formatted(name, kafka.bootstrap(), topic, policy.indent(2), kafkaExtra.indent(6)));
  }

  private static final String PATIENT = """
      maxAttempts: 100
      backoff: {policy: fixed, initialDelay: 200ms, maxDelay: 200ms, jitter: 0}
      timeout: 2s
      """;

  private Appended capture(ResolvedRoute route, NewEvent event) {
    return worker.pipeline.capture(event, route).await().atMost(WAIT);
  }

  private List<Appended> captureOrders(ResolvedRoute route, int from, int count, String padding) {
    List<Appended> appended = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      appended.add(capture(route, Events.of(route, "order-" + i, "{\"orderId\":\"o-" + i + "\"" + padding + "}",
          new Header("Idempotency-Key", "order-" + i), new Header("ce-type", "order.created"))));
    }
    return appended;
  }

  private static Set<UUID> ids(List<Appended> appended) {
    return appended.stream().map(Appended::id).collect(Collectors.toSet());
  }

  private static void awaitState(Set<UUID> ids, String state) {
    await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE id = ANY($1) AND state"
        + " = $2", ids.toArray(UUID[]::new), state) == ids.size());
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static List<String> eventIds(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> header(r, AttemptRunner.EVENT_ID_HEADER)).toList();
  }

  private static EventTrace trace(UUID id) {
    return store.events.trace("default", id).await().atMost(WAIT).orElseThrow();
  }

  @Test
  void eachEventIsOneRecordWithItsKeyAndHeadersReadOnceUnderItsEventId() {
    kafka.createTopic("orders", Map.of());
    ResolvedRoute route = route("orders", "orders", PATIENT, "key: correlationId");
    worker = new Worker(store, "w-orders", route);

    List<Appended> appended = captureOrders(route, 1, 5, "");
    awaitState(ids(appended), "delivered");

    List<ConsumerRecord<byte[], byte[]>> records = kafka.read("orders", 5);
    assertThat(eventIds(records)).containsExactlyInAnyOrderElementsOf(
        appended.stream().map(a -> a.id().toString()).toList());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      String orderId = new String(r.key(), StandardCharsets.UTF_8);
      assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":\"" + orderId + "\"}");
      assertThat(header(r, KafkaRecords.CORRELATION_ID_HEADER)).isEqualTo(orderId);
      assertThat(header(r, KafkaRecords.EVENT_TYPE_HEADER)).isEqualTo("order.created");
      assertThat(header(r, KafkaRecords.SOURCE_EVENT_ID_HEADER)).isEqualTo("order-" + orderId.substring(2));
      assertThat(header(r, AttemptRunner.ATTEMPT_HEADER)).isEqualTo("1");
      assertThat(header(r, "Content-Type")).isEqualTo("application/json");
      assertThat(header(r, AttemptRunner.REPLAY_HEADER)).isNull();
    }
    EventTrace trace = trace(appended.get(0).id());
    assertThat(trace.attempts()).extracting(AttemptRecord::outcome).containsExactly("delivered");
    assertThat(trace.attempts()).extracting(AttemptRecord::destination)
        .containsExactly("kafka://" + kafka.bootstrap() + "/orders");
  }

  @Test
  void whileTheBrokerIsDownAttemptsFailRetryableAndEveryEventArrivesAfterItComesBack() {
    kafka.createTopic("outage", Map.of());
    ResolvedRoute route = route("outage", "outage", PATIENT, "");
    worker = new Worker(store, "w-outage", route);
    kafka.stop();
    List<Appended> appended;
    try {
      appended = captureOrders(route, 1, 6, "");
      Set<UUID> ids = ids(appended);
      // Every event has had at least one failed attempt while the broker was away, and none was given up.
      await().atMost(WAIT).until(() -> store.count("SELECT count(DISTINCT event_id) FROM rewind.attempts"
          + " WHERE event_id = ANY($1) AND outcome <> 'delivered'", (Object) ids.toArray(UUID[]::new)) == ids.size());
      assertThat(store.column("SELECT DISTINCT outcome FROM rewind.attempts WHERE event_id = ANY($1)",
          (Object) ids.toArray(UUID[]::new))).isSubsetOf("timeout", "connect-failure");
      assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = ANY($1) AND state = 'dead'",
          (Object) ids.toArray(UUID[]::new))).isZero();
    } finally {
      kafka.start();
    }
    awaitState(ids(appended), "delivered");

    List<ConsumerRecord<byte[], byte[]>> records = kafka.read("outage", appended.size());
    // At least once: every event is on the topic (0 lost) and nothing else is; a record written by an attempt
    // that timed out may be there twice, under the same Rewind-Event-Id, which is what consumers dedupe on.
    assertThat(Set.copyOf(eventIds(records))).isEqualTo(
        appended.stream().map(a -> a.id().toString()).collect(Collectors.toSet()));
    String error = trace(appended.get(0).id()).attempts().get(0).error();
    assertThat(error).startsWith("kafka: ");
  }

  @Test
  void aRecordTheTopicRefusesIsNotRetriedAndAReplayToAnotherTopicDeliversExactlyTheFailedSet() {
    // The broker refuses batches over 32 KiB on this topic: the same record fails the same way every time. (At
    // least the producer's batch.size, 16 KiB: a batch the broker refuses is split into batches of that size, so a
    // record over the limit ends up alone and gets its own answer.)
    kafka.createTopic("small", Map.of("max.message.bytes", "32768"));
    kafka.createTopic("rescued", Map.of());
    // A batch the broker refuses as too large is split and sent again by the producer within the same attempt;
    // the attempt's timeout leaves room for that, so each record's own answer is what gets recorded.
    ResolvedRoute route = route("small", "small", PATIENT.replace("timeout: 2s", "timeout: 5s"), "");
    worker = new Worker(store, "w-small", route);

    List<Appended> fitting = captureOrders(route, 1, 3, "");
    List<Appended> tooLarge = captureOrders(route, 10, 4, ",\"pad\":\"" + "x".repeat(64 * 1024) + "\"");
    awaitState(ids(fitting), "delivered");
    awaitState(ids(tooLarge), "dead");

    for (Appended a : tooLarge) {
      EventTrace trace = trace(a.id());
      assertThat(trace.attempts()).hasSize(1);
      assertThat(trace.attempts().get(0).outcome()).isEqualTo("config-error");
      assertThat(trace.attempts().get(0).error()).contains("kafka refused the record for topic small")
          .contains("RecordTooLargeException");
    }

    ReplayRequest request = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: to-rescued}
        spec:
          routeRef: {name: small}
          states: [dead]
          rateLimit: 0
          override:
            destination:
              kafka:
                bootstrapServers: ["%s"]
                topic: rescued
        """.formatted(kafka.bootstrap()), route);
    ReplayStatusView view;
    try (Replays.Engine engine = new Replays.Engine(store, "w-replay")) {
      view = engine.run(request);
    }
    assertThat(view.delivered()).isEqualTo(tooLarge.size());
    List<ConsumerRecord<byte[], byte[]>> rescued = kafka.read("rescued", tooLarge.size());
    assertThat(eventIds(rescued)).containsExactlyInAnyOrderElementsOf(
        tooLarge.stream().map(a -> a.id().toString()).toList());
    assertThat(rescued).extracting(r -> header(r, AttemptRunner.REPLAY_HEADER)).containsOnly("to-rescued");
    EventTrace replayed = trace(tooLarge.get(0).id());
    assertThat(replayed.attempts()).extracting(AttemptRecord::destination).containsExactly(
        "kafka://" + kafka.bootstrap() + "/small", "kafka://" + kafka.bootstrap() + "/rescued");
  }

  @Test
  void aTopicThatDoesNotExistIsNotRetriedAndTheTraceSaysSo() {
    // The broker creates no topic on first write (KafkaBroker), and nobody created this one.
    ResolvedRoute route = route("nowhere", "never-created", PATIENT, "");
    worker = new Worker(store, "w-nowhere", route);

    List<Appended> appended = captureOrders(route, 1, 2, "");
    awaitState(ids(appended), "dead");

    List<AttemptRecord> attempts = trace(appended.get(0).id()).attempts();
    assertThat(attempts).hasSize(1);
    assertThat(attempts.get(0).outcome()).isEqualTo("config-error");
    assertThat(attempts.get(0).error()).startsWith("kafka has no topic never-created: ")
        .contains("does not exist");
  }

  @Test
  void oneProducerServesEqualSettingsAndIsClosedOnceNothingUsesIt() {
    kafka.createTopic("shared", Map.of());
    ResolvedRoute route = route("shared", "shared", PATIENT, "");
    KafkaTarget target = KafkaTarget.parse(route.destination());
    try (KafkaDeliverer deliverer = new KafkaDeliverer(store.vertx.getDelegate(), AddressPolicy.standalone(),
        SecretSource.NONE, Duration.ofSeconds(1))) {
      for (int i = 1; i <= 3; i++) {
        DeliveryItem item = DeliveryItem.of(Events.of(route, "{\"n\":" + i + "}"), 1, 0);
        AttemptResult result = deliverer.send(item, route.spec(), target, route.kafka(), Duration.ofSeconds(5), null)
            .await().atMost(WAIT);
        assertThat(result.outcome().delivered()).isTrue();
        assertThat(deliverer.openProducers()).isEqualTo(1);
      }
      // Unused for longer than idleAfter: closed (and opened again by the next send).
      await().atMost(WAIT).until(() -> deliverer.openProducers() == 0);
    }
    assertThat(kafka.read("shared", 3)).hasSize(3);
  }

  @Test
  void theAddressPolicyAppliesToBootstrapServersBeforeAnyConnection() {
    kafka.createTopic("guarded", Map.of());
    ResolvedRoute route = route("guarded", "guarded", PATIENT, "");
    // A cluster's policy refuses loopback; the test broker listens on localhost.
    try (KafkaDeliverer deliverer = new KafkaDeliverer(store.vertx.getDelegate(), AddressPolicy.cluster(),
        SecretSource.NONE)) {
      AttemptResult result = deliverer.send(DeliveryItem.of(Events.of(route, "{}"), 1, 0), route.spec(),
          KafkaTarget.parse(route.destination()), route.kafka(), Duration.ofSeconds(5), null).await().atMost(WAIT);

      assertThat(result.outcome().token()).isEqualTo("blocked-destination");
      assertThat(result.error()).startsWith("bootstrap server " + kafka.bootstrap() + ": ").contains("loopback");
      assertThat(deliverer.openProducers()).isZero();
    }
    assertThat(kafka.read("guarded", 0)).isEmpty();
  }

  @Test
  void aMissingSecretIsReportedOnTheAttemptAndTheEventIsKeptForReplay() {
    kafka.createTopic("secured", Map.of());
    ResolvedRoute route = route("secured", "secured", PATIENT, """
        sasl:
          mechanism: SCRAM-SHA-512
          usernameSecretRef: {name: kafka-user, key: username}
          passwordSecretRef: {name: kafka-user, key: password}""");
    worker = new Worker(store, "w-secured", route);

    List<Appended> appended = captureOrders(route, 1, 2, "");
    awaitState(ids(appended), "dead");

    AttemptRecord attempt = trace(appended.get(0).id()).attempts().get(0);
    assertThat(attempt.outcome()).isEqualTo("config-error");
    assertThat(attempt.error()).isEqualTo("destination.kafka.sasl.usernameSecretRef (secret kafka-user/username)"
        + " is not available");
    assertThat(kafka.read("secured", 0)).isEmpty();
  }
}
