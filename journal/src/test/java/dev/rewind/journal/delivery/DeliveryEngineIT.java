package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.Appended;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.NewEvent;
import dev.rewind.journal.testing.Events;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.journal.testing.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery against a real PostgreSQL and real HTTP destinations. */
class DeliveryEngineIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestStore store;
  private HttpSink sink;
  private Worker worker;

  @BeforeAll
  static void store() {
    store = TestStore.create();
  }

  @AfterAll
  static void closeStore() {
    store.close();
  }

  @BeforeEach
  void sink() {
    sink = HttpSink.start();
  }

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.close();
    }
    sink.close();
  }

  private static final String FAST_RETRIES = """
      maxAttempts: 5
      backoff: {policy: fixed, initialDelay: 50ms, maxDelay: 50ms, jitter: 0}
      timeout: 2s
      """;

  /** The Standard Webhooks signature a consumer holding {@code key} computes for a received delivery. */
  private static String signature(byte[] key, HttpSink.Received r) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    String signed = r.header("webhook-id") + "." + r.header("webhook-timestamp") + "." + r.bodyText();
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }

  private Appended capture(ResolvedRoute route, NewEvent event) {
    return worker.pipeline.capture(event, route).await().atMost(WAIT);
  }

  private EventTrace traceWhen(Appended appended, String state) {
    await().atMost(WAIT).until(() -> store.column("SELECT state FROM rewind.events WHERE id = $1", appended.id())
        .get(0).equals(state));
    return store.events.trace("default", appended.id()).await().atMost(WAIT).orElseThrow();
  }

  @Test
  void theRowIsCommittedBeforeTheCaptureIsAcknowledged() {
    ResolvedRoute route = Routes.to("ack", sink.url("/orders"), FAST_RETRIES);
    worker = new Worker(store, "w-ack", route);
    sink.answer(r -> HttpSink.Answer.hang(Duration.ofSeconds(5)));

    Appended appended = capture(route, Events.of(route, "{\"orderId\":1}"));

    // Read through another connection of the pool, right after the acknowledgement: it must already be visible.
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = $1", appended.id())).isEqualTo(1);
    assertThat(appended.duplicate()).isFalse();
  }

  private double polls() {
    var counter = worker.meters.find("rewind.delivery.polls").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aSteadyLiveLoadDoesNotAskTheStoreForDueWorkAfterEachAttempt() {
    ResolvedRoute route = Routes.to("steady", sink.url("/orders"), FAST_RETRIES);
    // An hour between regular polls: any poll during the load is one the engine chose to send at once.
    worker = Worker.polling(store, "w-steady", Duration.ofHours(1), DeliveryOptions.DEFAULT_MEMORY_BUDGET, route);
    await().atMost(WAIT).until(() -> polls() >= 1); // the poll at start, which finds nothing
    double atStart = polls();

    for (int i = 0; i < 40; i++) {
      assertThat(capture(route, Events.of(route, "{\"n\":" + i + "}")).claimed()).isTrue();
    }

    await().atMost(WAIT).until(() -> sink.count() == 40);
    // Every event was claimed at capture: there was never anything due in the store to ask for. Before, each
    // ended attempt sent a claim query (40 here).
    assertThat(polls() - atStart).isZero();
  }

  @Test
  void anEventJournaledUnclaimedIsTakenAsSoonAsASlotFreesNotAtTheNextPoll() {
    ResolvedRoute route = Routes.to("budget", sink.url("/orders"), FAST_RETRIES);
    // A budget smaller than one body: while the first event is in flight the second cannot be reserved, so it is
    // journaled unclaimed, and the regular poll is an hour away.
    worker = Worker.polling(store, "w-budget", Duration.ofHours(1), 8, route);
    await().atMost(WAIT).until(() -> polls() >= 1); // the poll at start has found nothing
    sink.answer(r -> r.bodyText().contains("\"first\"") ? HttpSink.Answer.hang(Duration.ofMillis(500))
        : HttpSink.Answer.status(200));

    Appended first = capture(route, Events.of(route, "{\"first\":true}"));
    Appended second = capture(route, Events.of(route, "{\"second\":true}"));

    assertThat(first.claimed()).isTrue();
    assertThat(second.claimed()).isFalse();
    await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE id = ANY($1)"
        + " AND state = 'delivered'", (Object) new UUID[] {first.id(), second.id()}) == 2);
  }

  @Test
  void aTakeoverWorkerClaimsOnlyEventsOverdueByLongerThanItWaits() {
    ResolvedRoute route = Routes.to("stranded", sink.url("/orders"), FAST_RETRIES);
    List<NewEvent> stranded = List.of(Events.of(route, "{\"n\":1}"), Events.of(route, "{\"n\":2}"),
        Events.of(route, "{\"n\":3}"));
    List<NewEvent> fresh = List.of(Events.of(route, "{\"n\":4}"), Events.of(route, "{\"n\":5}"));
    List<NewEvent> all = new ArrayList<>(stranded);
    all.addAll(fresh);
    // Journaled by a sidecar that is gone: unclaimed, and the first three due two hours ago.
    store.events.append(all, all.stream().map(e -> false).toList(), "gone", Duration.ofMinutes(1))
        .await().atMost(WAIT);
    UUID[] strandedIds = stranded.stream().map(NewEvent::id).toArray(UUID[]::new);
    UUID[] freshIds = fresh.stream().map(NewEvent::id).toArray(UUID[]::new);
    store.column("UPDATE rewind.events SET next_attempt_at = now() - interval '2 hours' WHERE id = ANY($1)"
        + " RETURNING id", (Object) strandedIds);

    worker = new Worker(store, "w-takeover", Duration.ofHours(1), route);

    await().atMost(WAIT).until(() -> store.count("SELECT count(*) FROM rewind.events WHERE id = ANY($1)"
        + " AND state = 'delivered'", (Object) strandedIds) == 3);
    assertThat(sink.received()).extracting(r -> r.header(AttemptRunner.EVENT_ID_HEADER))
        .containsExactlyInAnyOrderElementsOf(stranded.stream().map(e -> e.id().toString()).toList());
    // One claim statement takes every due event it matches: had the fresh ones matched, they would have been
    // claimed with the others.
    assertThat(store.column("SELECT state || '/' || attempts || '/' || coalesce(lease_owner, '-')"
        + " FROM rewind.events WHERE id = ANY($1)", (Object) freshIds)).containsExactly("pending/0/-", "pending/0/-");
  }

  @Test
  void destinationFailingThreeTimesThenSucceedingIsDeliveredWithEveryAttemptRecorded() {
    ResolvedRoute route = Routes.to("flaky", sink.url("/orders"), FAST_RETRIES);
    worker = new Worker(store, "w-flaky", route);
    sink.failFirst(3, 503);

    Appended appended = capture(route, Events.of(route, "order-42", "{\"orderId\":42}",
        new Header("Idempotency-Key", "order-42")));
    EventTrace trace = traceWhen(appended, "delivered");

    assertThat(trace.attempts()).extracting(AttemptRecord::outcome).containsExactly("503", "503", "503", "delivered");
    assertThat(trace.attempts()).extracting(AttemptRecord::trigger)
        .containsExactly("initial", "retry", "retry", "retry");
    assertThat(trace.attempts()).extracting(AttemptRecord::number).containsExactly(1, 2, 3, 4);
    assertThat(trace.event().attempts()).isEqualTo(4);
    List<HttpSink.Received> received = sink.receivedFor(appended.id().toString());
    assertThat(received).hasSize(4);
    assertThat(received).extracting(r -> r.header("Idempotency-Key")).containsOnly("order-42");
    assertThat(received).extracting(HttpSink.Received::bodyText).containsOnly("{\"orderId\":42}");
    assertThat(received).extracting(r -> r.header("Rewind-Attempt")).containsExactly("1", "2", "3", "4");
    assertThat(received).extracting(HttpSink.Received::path).containsOnly("/orders");
  }

  @Test
  void exhaustingMaxAttemptsMakesTheEventDead() {
    ResolvedRoute route = Routes.to("down", sink.url("/"), """
        maxAttempts: 3
        backoff: {policy: exponential, initialDelay: 20ms, multiplier: 2, maxDelay: 100ms}
        """);
    worker = new Worker(store, "w-down", route);
    sink.answer(r -> HttpSink.Answer.status(503));

    EventTrace trace = traceWhen(capture(route, Events.of(route, "{}")), "dead");

    assertThat(trace.attempts()).hasSize(3);
    assertThat(trace.attempts().get(2).error()).isEqualTo("gave up after 3 of 3 attempts");
    assertThat(trace.event().lastOutcome()).isEqualTo("503");
    assertThat(trace.event().completedAt()).isNotNull();
    assertThat(trace.event().nextAttemptAt()).isNull();
  }

  @Test
  void aClientErrorIsNotRetried() {
    ResolvedRoute route = Routes.to("bad-request", sink.url("/"), FAST_RETRIES);
    worker = new Worker(store, "w-400", route);
    sink.answer(r -> HttpSink.Answer.status(400, "{\"error\":\"bad\"}", Map.of("X-Reason", "schema")));

    EventTrace trace = traceWhen(capture(route, Events.of(route, "{}")), "dead");

    assertThat(trace.attempts()).hasSize(1);
    AttemptRecord attempt = trace.attempts().get(0);
    assertThat(attempt.statusCode()).isEqualTo(400);
    assertThat(attempt.errorClass()).isEqualTo("http");
    assertThat(new String(attempt.responseBody(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"bad\"}");
    assertThat(Header.first(attempt.responseHeaders(), "x-reason")).isEqualTo("schema");
  }

  @Test
  void aDestinationThatDoesNotAnswerInTimeIsATimeout() {
    ResolvedRoute route = Routes.to("slow", sink.url("/"), "maxAttempts: 1\ntimeout: 200ms\n");
    worker = new Worker(store, "w-slow", route);
    sink.answer(r -> HttpSink.Answer.hang(Duration.ofSeconds(3)));

    AttemptRecord attempt = traceWhen(capture(route, Events.of(route, "{}")), "dead").attempts().get(0);

    assertThat(attempt.errorClass()).isEqualTo("timeout");
    assertThat(attempt.outcome()).isEqualTo("timeout");
    assertThat(attempt.statusCode()).isNull();
  }

  @Test
  void refusedConnectionsAndUnknownHostsAreConnectFailures() {
    HttpSink gone = HttpSink.start();
    String refusedUrl = gone.url("/");
    gone.close();
    ResolvedRoute refused = Routes.to("refused", refusedUrl, "maxAttempts: 1\n");
    ResolvedRoute unknown = Routes.to("unknown", "http://no-such-host.invalid/", "maxAttempts: 1\n");
    worker = new Worker(store, "w-connect", refused, unknown);

    AttemptRecord connect = traceWhen(capture(refused, Events.of(refused, "{}")), "dead").attempts().get(0);
    AttemptRecord dns = traceWhen(capture(unknown, Events.of(unknown, "{}")), "dead").attempts().get(0);

    assertThat(connect.errorClass()).isEqualTo("connect");
    assertThat(connect.outcome()).isEqualTo("connect-failure");
    assertThat(dns.errorClass()).isEqualTo("dns");
    assertThat(dns.outcome()).isEqualTo("connect-failure");
  }

  @Test
  void blockedAddressesAreNeverContacted() {
    ResolvedRoute route = Routes.to("metadata", sink.url("/"), FAST_RETRIES);
    worker = new Worker(store, "w-ssrf", AddressPolicy.cluster(), SecretSource.NONE, route);

    AttemptRecord attempt = traceWhen(capture(route, Events.of(route, "{}")), "dead").attempts().get(0);

    assertThat(attempt.errorClass()).isEqualTo("blocked");
    assertThat(attempt.error()).contains("127.0.0.1 is loopback");
    assertThat(sink.count()).isZero();
  }

  @Test
  void everyAttemptIsSignedAfreshAndTheSignatureVerifiesIndependently(@TempDir Path secrets) throws Exception {
    Files.createDirectories(secrets.resolve("hooks"));
    String secret = "whsec_" + Base64.getEncoder().encodeToString("a-very-secret-key-of-32-bytes!!!".getBytes());
    Files.writeString(secrets.resolve("hooks").resolve("secret"), secret);
    ResolvedRoute route = Routes.one("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: p}
        spec: {maxAttempts: 3, backoff: {policy: fixed, initialDelay: 1100ms, maxDelay: 1100ms, jitter: 0}}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: signed}
        spec:
          destination: {url: "%s"}
          retryPolicyRef: {name: p}
          eventId: {header: ce-id}
          signing: {secretRef: {name: hooks}}
        """.formatted(sink.url("/hook")));
    worker = new Worker(store, "w-sign", AddressPolicy.standalone(), new DirectorySecretSource(secrets), route);
    sink.failFirst(1, 500);

    Appended appended = capture(route, Events.of(route, "evt-7", "{\"amount\":12}", new Header("ce-id", "evt-7")));
    traceWhen(appended, "delivered");

    List<HttpSink.Received> attempts = sink.receivedFor(appended.id().toString());
    assertThat(attempts).hasSize(2);
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    for (HttpSink.Received r : attempts) {
      assertThat(r.header("webhook-id")).isEqualTo("evt-7");
      assertThat(r.header("webhook-signature")).isEqualTo(signature(key, r));
    }
    assertThat(Long.parseLong(attempts.get(1).header("webhook-timestamp")))
        .isGreaterThan(Long.parseLong(attempts.get(0).header("webhook-timestamp")));
  }

  @Test
  void aMissingSigningSecretIsRecordedNotSentUnsigned(@TempDir Path secrets) {
    ResolvedRoute route = Routes.one("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: unsigned}
        spec:
          destination: {url: "%s"}
          signing: {secretRef: {name: absent, key: k}}
        """.formatted(sink.url("/")));
    worker = new Worker(store, "w-nosecret", AddressPolicy.standalone(), new DirectorySecretSource(secrets), route);

    AttemptRecord attempt = traceWhen(capture(route, Events.of(route, "{}")), "dead").attempts().get(0);

    assertThat(attempt.outcome()).isEqualTo("config-error");
    assertThat(attempt.error()).contains("absent/k");
    assertThat(sink.count()).isZero();
  }

  @Test
  void anUndecodableSecretFailsEachEventOnItsOwnAndFixingItDeliversWithoutARestart(@TempDir Path secrets)
      throws Exception {
    // Once, such a secret threw before the attempt was recorded: each event kept its slot and stayed delivering, and
    // after as many events as slots the worker delivered nothing, fixed secret or not, until restarted.
    Files.createDirectories(secrets.resolve("hooks"));
    Path file = secrets.resolve("hooks").resolve("secret");
    Files.writeString(file, "whsec_first!!! whsec_second");
    ResolvedRoute route = Routes.one("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: p}
        spec: {maxAttempts: 1}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: signed}
        spec:
          destination: {url: "%s"}
          retryPolicyRef: {name: p}
          signing: {secretRef: {name: hooks, key: secret}}
        """.formatted(sink.url("/hook")));
    worker = new Worker(store, "w-badsecret", AddressPolicy.standalone(), new DirectorySecretSource(secrets), route);

    int slots = 16;
    List<Appended> broken = new ArrayList<>();
    for (int i = 0; i < slots + 4; i++) {
      broken.add(capture(route, Events.of(route, "{\"n\":" + i + "}")));
    }
    for (Appended a : broken) {
      AttemptRecord attempt = traceWhen(a, "dead").attempts().get(0);
      assertThat(attempt.outcome()).isEqualTo("config-error");
      assertThat(attempt.error()).contains("not valid base64");
    }
    assertThat(sink.count()).as("nothing sent unsigned").isZero();

    byte[] key = "the-fixed-key-of-the-consumer-01".getBytes(StandardCharsets.UTF_8);
    Files.writeString(file, "whsec_" + Base64.getEncoder().encodeToString(key));
    Appended fixed = capture(route, Events.of(route, "{\"n\":\"after the fix\"}"));
    traceWhen(fixed, "delivered");

    HttpSink.Received r = sink.receivedFor(fixed.id().toString()).get(0);
    assertThat(r.header("webhook-signature")).isEqualTo(signature(key, r));
  }

  @Test
  void duringASecretRotationEachDeliveryCarriesASignaturePerSecretAndEitherVerifies(@TempDir Path secrets)
      throws Exception {
    byte[] oldKey = "the-old-key-of-the-consumer-0001".getBytes(StandardCharsets.UTF_8);
    byte[] newKey = "the-new-key-of-the-consumer-0002".getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(secrets.resolve("hooks"));
    Files.writeString(secrets.resolve("hooks").resolve("secret"), "whsec_"
        + Base64.getEncoder().encodeToString(newKey) + " whsec_" + Base64.getEncoder().encodeToString(oldKey) + "\n");
    ResolvedRoute route = Routes.one("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: rotating}
        spec:
          destination: {url: "%s"}
          signing: {secretRef: {name: hooks, key: secret}}
        """.formatted(sink.url("/hook")));
    worker = new Worker(store, "w-rotate", AddressPolicy.standalone(), new DirectorySecretSource(secrets), route);

    Appended appended = capture(route, Events.of(route, "{\"amount\":3}"));
    traceWhen(appended, "delivered");

    HttpSink.Received r = sink.receivedFor(appended.id().toString()).get(0);
    String[] signatures = r.header("webhook-signature").split(" ");
    assertThat(signatures).hasSize(2);
    for (byte[] key : List.of(newKey, oldKey)) {
      assertThat(signatures).as("a consumer holding one of the secrets verifies the delivery")
          .contains(signature(key, r));
    }
  }

  @Test
  void passthroughReturnsTheDestinationsExactAnswer() {
    ResolvedRoute route = Routes.to("pass", sink.url("/orders"), FAST_RETRIES);
    worker = new Worker(store, "w-pass", route);
    sink.answer(r -> HttpSink.Answer.status(201, "{\"accepted\":true}", Map.of("Location", "/orders/9")));

    NewEvent event = Events.of(route, "{\"orderId\":9}");
    DeliveryEngine.Forwarded forwarded = worker.pipeline.passthrough(event, route, 1 << 20).await().atMost(WAIT);

    assertThat(forwarded.result().statusCode()).isEqualTo(201);
    assertThat(new String(forwarded.result().responseBody(), StandardCharsets.UTF_8)).isEqualTo("{\"accepted\":true}");
    assertThat(Header.first(forwarded.result().responseHeaders(), "location")).isEqualTo("/orders/9");
    await().atMost(WAIT).until(() -> store.column("SELECT state FROM rewind.events WHERE id = $1", event.id())
        .get(0).equals("delivered"));
  }

  @Test
  void theSameSourceEventIdIsJournaledAndDeliveredOnce() {
    ResolvedRoute route = Routes.to("dedupe", sink.url("/"), FAST_RETRIES);
    worker = new Worker(store, "w-dedupe", route);

    Appended first = capture(route, Events.of(route, "k-1", "{}", new Header("Idempotency-Key", "k-1")));
    Appended second = capture(route, Events.of(route, "k-1", "{}", new Header("Idempotency-Key", "k-1")));

    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.duplicate()).isTrue();
    traceWhen(first, "delivered");
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE route = 'dedupe'")).isEqualTo(1);
    assertThat(sink.count()).isEqualTo(1);
  }

  @Test
  void aBurstOfLargeEventsNeverHoldsMoreThanTheMemoryBudget() {
    ResolvedRoute route = Routes.to("large", sink.url("/"), FAST_RETRIES);
    long budget = 1024 * 1024;
    worker = new Worker(store, "w-large", AddressPolicy.standalone(), SecretSource.NONE, budget, route);
    java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean();
    sink.answer(r -> open.get() ? HttpSink.Answer.status(200) : HttpSink.Answer.hang(Duration.ofSeconds(30)));
    String half = "x".repeat(512 * 1024);

    List<Appended> appended = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      appended.add(capture(route, Events.of(route, "{\"pad\":\"" + half + "\"}")));
      assertThat(worker.engine.bufferedBytes()).isLessThanOrEqualTo(budget + half.length() + 16);
    }
    // Journaled, every one, though most wait in the store rather than in memory.
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE route = 'large'")).isEqualTo(10);
    assertThat(appended).filteredOn(Appended::claimed).hasSizeLessThan(10);

    open.set(true);
    await().atMost(Duration.ofSeconds(60)).until(() -> store.count(
        "SELECT count(*) FROM rewind.events WHERE route = 'large' AND state = 'delivered'") == 10);
    assertThat(worker.engine.bufferedBytes()).isZero();
  }

  @Test
  void aRestartedWorkerTakesBackItsOwnLeasesAtOnce() {
    ResolvedRoute route = Routes.to("restart", sink.url("/"), FAST_RETRIES);
    NewEvent event = Events.of(route, "{}");
    // A worker journals and claims the event, then "dies" before attempting it.
    store.events.append(List.of(event), List.of(true), "w-restart", Duration.ofMinutes(10)).await().atMost(WAIT);

    worker = new Worker(store, "w-restart", route);

    traceWhen(Appended.stored(event.id(), true, 1), "delivered");
    assertThat(sink.count()).isEqualTo(1);
  }

  @Test
  void twoWorkersShareTheBacklogWithoutAttemptingAnyEventTwice() {
    ResolvedRoute route = Routes.to("shared", sink.url("/"), FAST_RETRIES);
    List<NewEvent> backlog = java.util.stream.IntStream.range(0, 400)
        .mapToObj(i -> Events.of(route, "{\"n\":" + i + "}")).toList();
    store.events.append(backlog, backlog.stream().map(e -> false).toList(), "nobody", Duration.ofMinutes(1))
        .await().atMost(WAIT);

    worker = new Worker(store, "w-one", route);
    try (Worker second = new Worker(store, "w-two", route)) {
      await().atMost(WAIT).until(() -> store.count(
          "SELECT count(*) FROM rewind.events WHERE route = 'shared' AND state = 'delivered'") == 400);
    }

    assertThat(sink.count()).isEqualTo(400);
    assertThat(store.count("SELECT count(*) FROM rewind.attempts a JOIN rewind.events e ON e.id = a.event_id"
        + " WHERE e.route = 'shared'")).isEqualTo(400);
    assertThat(store.column("SELECT DISTINCT worker FROM rewind.attempts a JOIN rewind.events e"
        + " ON e.id = a.event_id WHERE e.route = 'shared'")).containsExactlyInAnyOrder("w-one", "w-two");
  }
}
