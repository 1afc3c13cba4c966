package dev.rewind.e2e.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.e2e.testing.Crds;
import dev.rewind.e2e.testing.OperatorProcess;
import dev.rewind.e2e.testing.ReplayObjects;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays declared with kubectl, run by the packaged operator as its own process, against a real API server, a
 * real PostgreSQL journal and a real HTTP destination. No sidecar runs: the operator delivers replays itself.
 * Events are journaled with {@link JournalSeed} as live delivery would have left them; Routes are created as
 * objects, so what the replays read is what the operator published.
 *
 * <p>One operator serves every test of the class (it watches their namespaces); each test uses routes of its own.
 */
@KubeApiTest
class ReplayOperatorIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path WORK = Path.of("target", "e2e", "replay-operator");

  private static KubeTestBed kube;
  private static TestStore store;
  private static HttpSink sink;
  private static OperatorProcess operator;
  private static ReplayObjects shop;
  private static ReplayObjects preview;
  private static ReplayObjects teamA;
  private static ReplayObjects teamB;
  /** Requests per event id to /fixed: the first two of each fail. */
  private static final Map<String, AtomicInteger> FIXED = new ConcurrentHashMap<>();

  @BeforeAll
  static void start(KubeTestBed testBed) throws Exception {
    kube = testBed;
    KubernetesClient admin = kube.adminClient();
    Crds.install(admin);
    Files.createDirectories(WORK);
    shop = new ReplayObjects(admin, kube.newNamespace("replay-shop"));
    preview = new ReplayObjects(admin, kube.newNamespace("replay-preview"));
    teamA = new ReplayObjects(admin, kube.newNamespace("replay-team-a"));
    teamB = new ReplayObjects(admin, kube.newNamespace("replay-team-b"));
    store = TestStore.create();
    // The operator refuses loopback destinations, as in a cluster: the sink listens on this host's address.
    sink = HttpSink.startOnHostAddress().answer(ReplayOperatorIT::answer);
    operator = new OperatorProcess(Map.of(
        "rewind.store.url", store.url(),
        "rewind.operator.namespaces", String.join(",", shop.namespace(), preview.namespace(), teamA.namespace(),
            teamB.namespace()),
        "rewind.leader-election.lease-namespace", shop.namespace(),
        "rewind.replay.status-interval", "1s",
        "rewind.injector.enabled", "false",
        "quarkus.http.port", "0"),
        kube.kubeconfig(), WORK.resolve("operator.log")).start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (sink != null) {
      sink.close();
    }
    if (store != null) {
      store.close();
    }
    for (ReplayObjects ns : new ReplayObjects[] {shop, preview, teamA, teamB}) {
      if (ns != null) {
        kube.deleteNamespace(ns.namespace());
      }
    }
  }

  /** /fixed fails each event's first two attempts, /broken always fails, /slow answers after 200 ms. */
  private static HttpSink.Answer answer(HttpSink.Received r) {
    if (r.path().startsWith("/fixed")) {
      int n = FIXED.computeIfAbsent(r.header("Rewind-Event-Id"), id -> new AtomicInteger()).incrementAndGet();
      return HttpSink.Answer.status(n <= 2 ? 503 : 200);
    }
    if (r.path().startsWith("/broken")) {
      return HttpSink.Answer.status(503);
    }
    if (r.path().startsWith("/slow")) {
      return HttpSink.Answer.hang(Duration.ofMillis(200));
    }
    return HttpSink.Answer.status(200);
  }

  @Test
  void dryRunsCountWhatAnIndependentQueryCountsForEachSelector() {
    ReplayObjects ns = preview;
    String url = sink.url("/preview");
    ns.publishRoute(store, "orders", url, WAIT);
    seed(ns, "orders", url).state(EventState.DEAD, "503", 3).age(Duration.ofHours(3))
        .correlation(i -> "ORD-" + (i % 8)).append(40);
    seed(ns, "orders", url).state(EventState.FAILED, "502", 2).age(Duration.ofMinutes(30))
        .correlation(i -> "ORD-" + (i % 8)).append(30);
    seed(ns, "orders", url).state(EventState.DEAD, "timeout", 3).age(Duration.ofMinutes(90)).workload("billing")
        .append(20);
    seed(ns, "orders", url).state(EventState.DELIVERED, "delivered", 1).age(Duration.ofMinutes(45)).append(10);
    seed(ns, "orders", url).state(EventState.DEAD, "404", 1).age(Duration.ofMinutes(10)).workload("billing")
        .type("order.cancelled").append(15);

    // selector (YAML) -> the same selection written as plain SQL over rewind.events, independently of the engine
    Map<String, String> selectors = Map.of(
        "states: [dead]", "state = 'dead'",
        "since: 2h, until: 20m", "state IN ('failed', 'dead') AND received_at >= now() - interval '2 hours'"
            + " AND received_at < now() - interval '20 minutes'",
        "correlationIds: [ORD-1, ORD-3]", "state IN ('failed', 'dead') AND correlation_id IN ('ORD-1', 'ORD-3')",
        "lastOutcome: [5xx]", "state IN ('failed', 'dead') AND last_outcome ~ '^5[0-9][0-9]$'",
        "senderWorkload: billing", "state IN ('failed', 'dead') AND sender_workload = 'billing'",
        "states: [delivered, dead], types: [order.cancelled]",
        "state IN ('delivered', 'dead') AND event_type = 'order.cancelled'");
    Map<String, String> names = new LinkedHashMap<>();
    selectors.keySet().forEach(selector -> {
      String name = "preview-" + names.size();
      names.put(selector, name);
      ns.createReplay("""
          apiVersion: rewind.dev/v1alpha1
          kind: Replay
          metadata: {name: %s}
          spec: {routeRef: {name: orders}, dryRun: true, %s}
          """.formatted(name, selector));
    });

    for (Map.Entry<String, String> selector : selectors.entrySet()) {
      Replay previewed = ns.awaitPhase(names.get(selector.getKey()), ReplayPhase.Previewed, WAIT);
      List<String> ids = store.column("SELECT id FROM rewind.events WHERE namespace = $1 AND route = 'orders' AND "
          + selector.getValue() + " ORDER BY id", ns.namespace());
      System.out.printf("dry run %-52s matched %3d, independent count %3d%n", selector.getKey(),
          previewed.getStatus().getMatched(), ids.size());
      assertThat(ids).as(selector.getKey()).isNotEmpty();
      assertThat(previewed.getStatus().getMatched()).as(selector.getKey()).isEqualTo(ids.size());
      assertThat(previewed.getStatus().getMessage())
          .isEqualTo("dry run: " + ids.size() + " events match; nothing was delivered");
      // The sample: the oldest matched ids, up to 20.
      assertThat(previewed.getStatus().getSample()).as(selector.getKey())
          .containsExactlyElementsOf(ids.subList(0, Math.min(20, ids.size())));
    }
    assertThat(sink.received()).noneMatch(r -> r.path().equals("/preview"));
    assertThat(store.count("SELECT count(*) FROM rewind.attempts a JOIN rewind.events e ON e.id = a.event_id"
        + " WHERE e.namespace = $1 AND a.trigger = 'replay'", ns.namespace())).isZero();
  }

  @Test
  void aReplayAppliedWithKubectlDeliversExactlyTheFailedSetAndKubectlWaitsForIt() {
    ReplayObjects ns = shop;
    String url = sink.url("/orders");
    ns.publishRoute(store, "orders", url, WAIT);
    List<UUID> expected = new ArrayList<>(seed(ns, "orders", url).state(EventState.DEAD, "503", 3).append(50));
    expected.addAll(seed(ns, "orders", url).state(EventState.FAILED, "502", 2).append(20));
    List<UUID> delivered = seed(ns, "orders", url).state(EventState.DELIVERED, "delivered", 1).append(30);
    List<UUID> otherRoute = seed(ns, "audit", url).append(10);

    Path file = ReplayObjects.write(WORK.resolve("failed-orders.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: failed-orders}
        spec:
          routeRef: {name: orders}
          states: [failed, dead]
          rateLimit: 0
        """);
    kubectl("apply", "-f", file.toString()).assertSuccess();
    ToolResult wait = kubectl("wait", "--for=condition=Complete", "replay/failed-orders", "--timeout=60s");

    assertThat(wait.exitCode()).as(wait.stderr()).isZero();
    assertThat(wait.stdout()).contains("replay.rewind.dev/failed-orders condition met");
    String table = kubectl("get", "replay", "failed-orders").assertSuccess().stdout();
    System.out.println(table);
    assertThat(table.lines()).anyMatch(l -> l.matches("NAME\\s+PHASE\\s+MATCHED\\s+DELIVERED\\s+FAILED\\s+AGE"));
    assertThat(table.lines()).anyMatch(l -> l.matches("failed-orders\\s+Succeeded\\s+70\\s+70\\s+0\\s+\\S+"));

    List<String> received = sink.received().stream().filter(r -> r.path().equals("/orders"))
        .map(r -> r.header("Rewind-Event-Id")).toList();
    assertThat(received).hasSize(expected.size())
        .containsExactlyInAnyOrderElementsOf(expected.stream().map(UUID::toString).toList());
    assertThat(received).doesNotContainAnyElementsOf(ids(delivered)).doesNotContainAnyElementsOf(ids(otherRoute));
    // Every attempt journaled with trigger replay and the replay's name; every event now delivered.
    UUID[] all = expected.toArray(UUID[]::new);
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = ANY($1) AND trigger = 'replay'"
        + " AND replay_name = 'failed-orders' AND outcome = 'delivered'", (Object) all)).isEqualTo(70);
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = ANY($1) AND state = 'delivered'",
        (Object) all)).isEqualTo(70);
  }

  @Test
  void theOverrideDestinationAndRetryPolicyTakeEffect() {
    ReplayObjects ns = shop;
    String broken = sink.url("/broken/payments");
    String fixed = sink.url("/fixed/payments");
    ns.publishRoute(store, "payments", broken, WAIT);
    ns.createPolicy("patient", "{maxAttempts: 3, backoff: {policy: fixed, initialDelay: 50ms, maxDelay: 50ms},"
        + " timeout: 2s, retryOn: [5xx]}");
    List<UUID> events = seed(ns, "payments", broken).append(10);

    ns.createReplay("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: payments-elsewhere}
        spec:
          routeRef: {name: payments}
          override:
            destination: {url: "%s"}
            retryPolicyRef: {name: patient}
          rateLimit: 0
        """.formatted(fixed));

    Replay done = ns.awaitPhase("payments-elsewhere", ReplayPhase.Succeeded, WAIT);
    assertThat(done.getStatus().getDelivered()).isEqualTo(10);
    assertThat(sink.received()).noneMatch(r -> r.path().startsWith("/broken"));
    // The route has no policy (one attempt); the override's three attempts per event got each one through.
    Map<String, Long> perEvent = sink.received().stream().filter(r -> r.path().equals("/fixed/payments"))
        .collect(Collectors.groupingBy(r -> r.header("Rewind-Event-Id"), Collectors.counting()));
    assertThat(perEvent).containsOnlyKeys(ids(events)).allSatisfy((id, n) -> assertThat(n).isEqualTo(3));
    assertThat(store.column("SELECT string_agg(outcome, ',' ORDER BY number) FROM rewind.attempts"
        + " WHERE replay_name = 'payments-elsewhere' GROUP BY event_id")).hasSize(10)
        .containsOnly("503,503,delivered");
    assertThat(store.column("SELECT DISTINCT destination FROM rewind.attempts WHERE replay_name ="
        + " 'payments-elsewhere'")).containsExactly(fixed);
  }

  @Test
  void aReplayInOneNamespaceRedeliversNothingOfAnotherWithTheSameRouteNames() {
    String url = sink.url("/shared/orders");
    teamA.publishRoute(store, "orders", url, WAIT);
    teamB.publishRoute(store, "orders", url, WAIT);
    List<UUID> ofA = seed(teamA, "orders", url).append(15);
    List<UUID> ofB = seed(teamB, "orders", url).append(15);

    teamA.createReplay("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: orders}
        spec: {routeRef: {name: orders}, rateLimit: 0}
        """);

    Replay done = teamA.awaitPhase("orders", ReplayPhase.Succeeded, WAIT);
    assertThat(done.getStatus().getMatched()).isEqualTo(15);
    assertThat(sink.received().stream().filter(r -> r.path().equals("/shared/orders"))
        .map(r -> r.header("Rewind-Event-Id")).toList()).containsExactlyInAnyOrderElementsOf(ids(ofA));
    UUID[] b = ofB.toArray(UUID[]::new);
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = ANY($1) AND state = 'dead'", (Object) b))
        .isEqualTo(15);
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = ANY($1) AND trigger = 'replay'",
        (Object) b)).isZero();
  }

  @Test
  void aSelectionLargerThanMaxEventsFailsSayingHowManyMatched() {
    ReplayObjects ns = shop;
    String url = sink.url("/bulk");
    ns.publishRoute(store, "bulk", url, WAIT);
    seed(ns, "bulk", url).append(30);

    ns.createReplay("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: too-many}
        spec: {routeRef: {name: bulk}, maxEvents: 10}
        """);

    ToolResult failed = kubectl("wait", "--for=condition=Failed", "replay/too-many", "--timeout=60s");
    assertThat(failed.exitCode()).as(failed.stderr()).isZero();
    String message = kubectl("get", "replay", "too-many", "-o", "jsonpath={.status.message}").assertSuccess()
        .stdout();
    assertThat(message).isEqualTo("30 events matched, more than maxEvents 10; raise maxEvents to replay them"
        + " (or narrow the selection)");
    String table = kubectl("get", "replay", "too-many").assertSuccess().stdout();
    System.out.println(table);
    assertThat(table.lines()).anyMatch(l -> l.matches("too-many\\s+Failed\\s+30\\s+0\\s+0\\s+\\S+"));
    assertThat(sink.received()).noneMatch(r -> r.path().equals("/bulk"));
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE replay_name = 'too-many'")).isZero();
  }

  @Test
  void deletingARunningReplayCancelsItAndNothingMoreIsDelivered() {
    ReplayObjects ns = shop;
    String url = sink.url("/slow/orders");
    ns.publishRoute(store, "slow", url, WAIT);
    seed(ns, "slow", url).append(3000);
    ns.createReplay("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: slow-orders}
        spec: {routeRef: {name: slow}, rateLimit: 20, concurrency: 2}
        """);
    String uid = ns.awaitPhase("slow-orders", ReplayPhase.Running, WAIT).getMetadata().getUid();
    await().atMost(WAIT).until(() -> slowDeliveries() >= 10);

    // Returns once the finalizer let the Replay go: the replay was cancelled and its rows removed.
    kubectl("delete", "replay", "slow-orders", "--wait=true", "--timeout=60s").assertSuccess();

    assertThat(ns.replay("slow-orders")).isNull();
    // No further deliveries: the count holds still for 3 s (any change restarts the 3 s).
    AtomicLong last = new AtomicLong(-1);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(20)).until(() -> {
      long now = slowDeliveries();
      return last.getAndSet(now) == now;
    });
    long delivered = slowDeliveries();
    System.out.printf("deleted after %d of 3000 deliveries; none after%n", delivered);
    assertThat(delivered).isLessThan(3000);
    assertThat(store.count("SELECT count(*) FROM rewind.replays WHERE id = $1::uuid", uid)).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.replay_items WHERE replay_id = $1::uuid", uid)).isZero();
    // Attempts under way at the deletion finished and were journaled: the journal has every one the sink saw.
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE replay_id = $1::uuid", uid))
        .isEqualTo(delivered);
  }

  private static long slowDeliveries() {
    return sink.received().stream().filter(r -> r.path().equals("/slow/orders")).count();
  }

  private static JournalSeed seed(ReplayObjects ns, String route, String url) {
    return JournalSeed.in(store).namespace(ns.namespace()).route(route, url);
  }

  private static ToolResult kubectl(String... args) {
    List<String> all = new ArrayList<>(List.of("-n", shop.namespace()));
    all.addAll(List.of(args));
    return kube.run("kubectl", kube.kubeconfig(), all.toArray(String[]::new));
  }

  private static Set<String> ids(List<UUID> ids) {
    return ids.stream().map(UUID::toString).collect(Collectors.toSet());
  }
}
