package dev.rewind.operator.replay;

import static dev.rewind.operator.testing.Objects.newRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.OperatorRbac;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Replay controller against a real API server, a real PostgreSQL journal and a real HTTP destination, running
 * as the operator's ServiceAccount with exactly the shipped RBAC (finalizers, status patches, Events and the
 * override policy's get all go through it). Replays are refreshed every second here.
 */
@KubeApiTest
class ReplayReconcilerIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  /** How long the sink holds requests to /slow before answering 200. */
  private static final Duration SLOW = Duration.ofSeconds(6);

  private static String ns;
  private static KubernetesClient admin;
  private static KubeUser serviceAccount;
  private static TestStore journal;
  private static HttpSink sink;
  private static RunningReplayOperator operator;
  private static KubeTestBed kube;

  @BeforeAll
  static void start(KubeTestBed testBed, @TestNamespace String namespace) {
    kube = testBed;
    ns = namespace;
    admin = kube.adminClient();
    Crds.installed(admin);
    serviceAccount = OperatorRbac.installFor(testBed, ns);
    journal = TestStore.create();
    // The operator refuses loopback destinations, as in a cluster: the sink listens on this host's address.
    sink = HttpSink.startOnHostAddress()
        .answer(r -> r.path().startsWith("/slow") ? HttpSink.Answer.hang(SLOW)
            : r.path().startsWith("/broken") ? HttpSink.Answer.status(503) : HttpSink.Answer.status(200));
    operator = startOperator();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (sink != null) {
      sink.close();
    }
    if (journal != null) {
      journal.close();
    }
  }

  @Test
  void aReplayGoesThroughRunningToSucceededDeliveringExactlyItsMatchedSet() {
    publishRoute("orders", sink.url("/orders"));
    List<UUID> dead = JournalSeed.in(journal).namespace(ns).route("orders", sink.url("/orders")).append(12);
    JournalSeed.in(journal).namespace(ns).route("orders", sink.url("/orders"))
        .state(dev.rewind.api.v1alpha1.common.EventState.DELIVERED, "delivered", 1).append(5);

    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: orders-outage}
        spec: {routeRef: {name: orders}, rateLimit: 0}
        """);

    Replay done = awaitPhase("orders-outage", ReplayPhase.Succeeded);
    ReplayStatus status = done.getStatus();
    assertThat(status.getMatched()).isEqualTo(12);
    assertThat(status.getDelivered()).isEqualTo(12);
    assertThat(status.getFailed()).isZero();
    assertThat(status.getRemaining()).isZero();
    assertThat(status.getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getStartedAt()).isNotNull();
    assertThat(status.getCompletedAt()).isNotNull();
    assertThat(status.getMessage()).isEqualTo("delivered all 12 events");
    assertThat(condition(done, ReplayStatus.COMPLETE)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "Succeeded");
    assertThat(condition(done, ReplayStatus.FAILED)).extracting(Condition::getStatus).isEqualTo("False");
    assertThat(sink.received().stream().filter(r -> r.path().equals("/orders"))
        .map(r -> r.header("Rewind-Event-Id")).toList())
        .containsExactlyInAnyOrderElementsOf(dead.stream().map(UUID::toString).toList());
    // The operator's meters time each replay attempt, as a sidecar's do its live ones.
    assertThat(operator.meters.get("rewind.attempt.duration").tags("route", "orders", "trigger", "replay",
        "outcome", "delivered").timer().count()).isEqualTo(12);
    assertThat(done.getMetadata().getFinalizers()).isNotEmpty();
    // kubectl describe: one Event per phase reached.
    await().atMost(WAIT).until(() -> eventReasons("orders-outage").containsAll(List.of("Running", "Succeeded")));
  }

  @Test
  void whileNothingMovesTheStatusIsNotWrittenAgainThoughTheReplayIsReconciledEveryInterval() {
    policy("patient-slow", "{maxAttempts: 1, timeout: 30s}");
    publishRoute("slow-a", sink.url("/slow/a"), "patient-slow");
    JournalSeed.in(journal).namespace(ns).route("slow-a", sink.url("/slow/a")).append(3);

    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: stalled}
        spec: {routeRef: {name: slow-a}, rateLimit: 0, concurrency: 3}
        """);
    Replay running = awaitPhase("stalled", ReplayPhase.Running);
    await().atMost(WAIT).until(() -> sink.received().stream().filter(r -> r.path().equals("/slow/a")).count() == 3);
    String version = replay("stalled").getMetadata().getResourceVersion();
    int before = operator.reconciles.of(Replay.KIND, ns, "stalled");

    // The three attempts hang for 6 s: nothing changes in the store, so nothing is written to the API server.
    await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(5))
        .until(() -> version.equals(replay("stalled").getMetadata().getResourceVersion()));
    assertThat(operator.reconciles.of(Replay.KIND, ns, "stalled") - before).isGreaterThanOrEqualTo(3);
    assertThat(running.getStatus().getMessage()).isEqualTo("delivered 0 of 3 events; 0 given up on, 3 remaining");

    Replay done = awaitPhase("stalled", ReplayPhase.Succeeded);
    assertThat(done.getStatus().getDelivered()).isEqualTo(3);
  }

  @Test
  void anOverridePolicyThatDoesNotExistFailsTheReplayAtOnceAndItIsNeverRetried() {
    publishRoute("refunds", sink.url("/refunds"));
    JournalSeed.in(journal).namespace(ns).route("refunds", sink.url("/refunds")).append(4);

    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: with-missing-policy}
        spec: {routeRef: {name: refunds}, override: {retryPolicyRef: {name: nowhere}}}
        """);

    Replay failed = awaitPhase("with-missing-policy", ReplayPhase.Failed);
    assertThat(failed.getStatus().getMessage())
        .isEqualTo("spec.override.retryPolicyRef.name: RetryPolicy \"nowhere\" not found in namespace " + ns);
    assertThat(condition(failed, ReplayStatus.COMPLETE)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "RetryPolicyNotFound");
    assertThat(condition(failed, ReplayStatus.FAILED)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "RetryPolicyNotFound");

    // Creating the policy afterwards changes nothing: a terminal Replay is a record, not a desired state.
    policy("nowhere", "{maxAttempts: 2}");
    String version = failed.getMetadata().getResourceVersion();
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> version.equals(replay("with-missing-policy").getMetadata().getResourceVersion()));
    assertThat(sink.received()).noneMatch(r -> r.path().equals("/refunds"));
    assertThat(journal.count("SELECT count(*) FROM rewind.attempts WHERE replay_name = $1", "with-missing-policy"))
        .isZero();
  }

  @Test
  void kubectlWaitForCompleteIsNotSatisfiedByAFailedReplayAndForFailedIs() {
    policy("one-shot", "{maxAttempts: 1}");
    publishRoute("broken", sink.url("/broken"), "one-shot");
    publishRoute("healthy", sink.url("/healthy"), "one-shot");
    JournalSeed.in(journal).namespace(ns).route("broken", sink.url("/broken")).append(3);
    JournalSeed.in(journal).namespace(ns).route("healthy", sink.url("/healthy")).append(2);
    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: to-broken}
        spec: {routeRef: {name: broken}, rateLimit: 0}
        """);
    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: to-healthy}
        spec: {routeRef: {name: healthy}, rateLimit: 0}
        """);
    // Both ended first, so a kubectl wait that times out below does so because the condition is not there.
    Replay failed = awaitPhase("to-broken", ReplayPhase.Failed);
    awaitPhase("to-healthy", ReplayPhase.Succeeded);

    ToolResult completeOfFailed = kubectlWait("Complete", "to-broken", "3s");
    ToolResult failedOfFailed = kubectlWait("Failed", "to-broken", "30s");
    ToolResult completeOfSucceeded = kubectlWait("Complete", "to-healthy", "30s");
    ToolResult failedOfSucceeded = kubectlWait("Failed", "to-healthy", "3s");

    assertThat(completeOfFailed.succeeded()).as(completeOfFailed.toString()).isFalse();
    assertThat(completeOfFailed.stderr()).contains("timed out");
    assertThat(failedOfFailed.succeeded()).as(failedOfFailed.toString()).isTrue();
    assertThat(failedOfFailed.stdout()).contains("replay.rewind.dev/to-broken condition met");
    assertThat(completeOfSucceeded.succeeded()).as(completeOfSucceeded.toString()).isTrue();
    assertThat(failedOfSucceeded.succeeded()).as(failedOfSucceeded.toString()).isFalse();
    // The Failed condition says why, with the most common failure of the given-up events.
    assertThat(condition(failed, ReplayStatus.FAILED)).extracting(Condition::getReason, Condition::getMessage)
        .containsExactly("AllEventsFailed", "the replay's policy gave up on all 3 events; none was delivered; 3 of"
            + " the 3 failed with: HTTP 503 from " + sink.url("/broken"));
  }

  @Test
  void aRouteThatDoesNotExistFailsTheReplayNamingTheFieldAndTheRoute() {
    publishRoute("shipments", sink.url("/shipments"));
    JournalSeed.in(journal).namespace(ns).route("shipments", sink.url("/shipments")).append(2);

    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: misspelt-route}
        spec: {routeRef: {name: shipmnets}}
        """);

    Replay failed = awaitPhase("misspelt-route", ReplayPhase.Failed);
    assertThat(failed.getStatus().getMessage())
        .isEqualTo("spec.routeRef.name: Route \"shipmnets\" not found in namespace " + ns);
    assertThat(condition(failed, ReplayStatus.FAILED)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "RouteNotFound");
    assertThat(condition(failed, ReplayStatus.COMPLETE).getStatus()).isEqualTo("False");
    assertThat(sink.received()).noneMatch(r -> r.path().equals("/shipments"));
  }

  @Test
  void aReplayWaitsForARouteThatExistsButIsNotPublishedYetAndRunsOnceItIs() {
    // Applied together: the Route names a RetryPolicy that does not exist yet, so it cannot be published.
    admin.resources(dev.rewind.api.v1alpha1.route.Route.class).inNamespace(ns)
        .resource(newRoute("returns", sink.url("/returns"), "arrives-later")).create();
    List<UUID> events = JournalSeed.in(journal).namespace(ns).route("returns", sink.url("/returns")).append(2);
    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: behind-its-route}
        spec: {routeRef: {name: returns}, rateLimit: 0}
        """);

    await().atMost(WAIT).until(() -> {
      Replay r = replay("behind-its-route");
      return r != null && r.getStatus() != null && r.getStatus().getMessage() != null
          && r.getStatus().getMessage().startsWith("waiting for its routes: Route returns is not published yet")
          // Once the Route's own status says why (a pass every interval looks again).
          && r.getStatus().getMessage().contains("RetryPolicyNotFound");
    });
    assertThat(replay("behind-its-route").getStatus().getPhase()).isEqualTo(ReplayPhase.Pending);

    policy("arrives-later", "{maxAttempts: 2}");

    awaitPhase("behind-its-route", ReplayPhase.Succeeded);
    assertThat(sink.received()).filteredOn(r -> r.path().equals("/returns")).extracting(r -> r.header(
        "Rewind-Event-Id")).containsExactlyInAnyOrderElementsOf(events.stream().map(UUID::toString).toList());
  }

  @Test
  void aWindowTheApiServerCannotOrderFailsTheReplayNamingTheField() {
    publishRoute("ledger", sink.url("/ledger"));

    // A duration against a timestamp: the API server cannot tell whether until is after since, because since
    // counts back from when the replay starts. It is checked then: two hours ago is later than 2020.
    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: window-backwards}
        spec: {routeRef: {name: ledger}, since: 2h, until: "2020-01-01T00:00:00z"}
        """);

    Replay failed = awaitPhase("window-backwards", ReplayPhase.Failed);
    assertThat(failed.getStatus().getMessage()).startsWith("spec.until");
    assertThat(condition(failed, ReplayStatus.FAILED)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "InvalidSpec");
  }

  @Test
  void aReplayToADestinationTheAddressPolicyRefusesSaysSo() {
    publishRoute("audit", sink.url("/audit"));
    JournalSeed.in(journal).namespace(ns).route("audit", sink.url("/audit")).append(2);

    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: to-metadata}
        spec:
          routeRef: {name: audit}
          rateLimit: 0
          override: {destination: {url: "http://169.254.169.254/latest/meta-data"}}
        """);

    Replay failed = awaitPhase("to-metadata", ReplayPhase.Failed);
    assertThat(failed.getStatus().getMessage()).isEqualTo("the replay's policy gave up on all 2 events; none was"
        + " delivered; 2 of the 2 failed with: destination http://169.254.169.254/latest/meta-data is refused by"
        + " the address policy (169.254.169.254: address 169.254.169.254 is in blocked range 169.254.0.0/16)");
    assertThat(sink.received()).noneMatch(r -> r.path().equals("/audit"));
  }

  @Test
  void anOverridePolicyCreatedTogetherWithTheReplayIsUsed() {
    publishRoute("invoices", sink.url("/invoices"));
    List<UUID> events = JournalSeed.in(journal).namespace(ns).route("invoices", sink.url("/invoices")).append(3);

    // As one kubectl apply of a file holding both: the Replay arrives right behind its policy.
    policy("fresh", "{maxAttempts: 5, timeout: 3s}");
    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: with-fresh-policy}
        spec: {routeRef: {name: invoices}, override: {retryPolicyRef: {name: fresh}}, rateLimit: 0}
        """);

    awaitPhase("with-fresh-policy", ReplayPhase.Succeeded);
    assertThat(journal.column("SELECT retry_policy->>'maxAttempts' FROM rewind.replays WHERE name = $1",
        "with-fresh-policy")).containsExactly("5");
    assertThat(journal.count("SELECT count(*) FROM rewind.attempts WHERE replay_name = $1 AND event_id = ANY($2)",
        "with-fresh-policy", events.toArray(UUID[]::new))).isEqualTo(3);
  }

  @Test
  void aTerminalReplayIsNotRunAgainByTheNextOperator() {
    publishRoute("payments", sink.url("/payments"));
    List<UUID> events = JournalSeed.in(journal).namespace(ns).route("payments", sink.url("/payments")).append(5);
    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: once}
        spec: {routeRef: {name: payments}, states: [failed, dead, delivered], rateLimit: 0}
        """);
    Replay done = awaitPhase("once", ReplayPhase.Succeeded);
    long attempts = journal.count("SELECT count(*) FROM rewind.attempts WHERE replay_name = 'once'");
    assertThat(attempts).isEqualTo(5);

    // A new operator (a restart, a new leader) reconciles it, and does nothing: its selection (delivered events
    // included) would match again, but a Replay that ended is never re-run.
    operator.stop();
    operator = startOperator();
    await().atMost(WAIT).until(() -> operator.reconciles.of(Replay.KIND, ns, "once") > 0);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
        .until(() -> journal.count("SELECT count(*) FROM rewind.attempts WHERE replay_name = 'once'") == attempts);
    assertThat(replay("once").getMetadata().getResourceVersion()).isEqualTo(done.getMetadata().getResourceVersion());
    assertThat(sink.received().stream().filter(r -> r.path().equals("/payments")).count())
        .isEqualTo(events.size());
  }

  @Test
  void deletingARunningReplayCancelsItAndRemovesItsRowsButNotItsAttempts() {
    policy("patient-slow-b", "{maxAttempts: 1, timeout: 30s}");
    publishRoute("slow-b", sink.url("/slow/b"), "patient-slow-b");
    JournalSeed.in(journal).namespace(ns).route("slow-b", sink.url("/slow/b")).append(40);
    create("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: doomed}
        spec: {routeRef: {name: slow-b}, rateLimit: 0, concurrency: 2}
        """);
    Replay running = awaitPhase("doomed", ReplayPhase.Running);
    String uid = running.getMetadata().getUid();
    await().atMost(WAIT).until(() -> sink.received().stream().filter(r -> r.path().equals("/slow/b")).count() == 2);

    admin.resources(Replay.class).inNamespace(ns).withName("doomed").delete();

    // The finalizer holds the Replay until the two attempts under way ended (6 s) and its rows are gone.
    await().atMost(WAIT).until(() -> replay("doomed") == null);
    assertThat(journal.count("SELECT count(*) FROM rewind.replays WHERE id = $1::uuid", uid)).isZero();
    assertThat(journal.count("SELECT count(*) FROM rewind.replay_items WHERE replay_id = $1::uuid", uid)).isZero();
    assertThat(journal.count("SELECT count(*) FROM rewind.attempts WHERE replay_id = $1::uuid", uid)).isEqualTo(2);
    assertThat(sink.received().stream().filter(r -> r.path().equals("/slow/b")).count()).isEqualTo(2);
  }

  private static RunningReplayOperator startOperator() {
    return RunningReplayOperator.start(serviceAccount.client(),
        RunningReplayOperator.watching(Set.of(ns), INTERVAL, Set.of()), journal.store);
  }

  private static void publishRoute(String name, String url) {
    publishRoute(name, url, null);
  }

  private static void publishRoute(String name, String url, String policy) {
    admin.resources(dev.rewind.api.v1alpha1.route.Route.class).inNamespace(ns).resource(newRoute(name, url, policy))
        .create();
    await().atMost(WAIT).until(() -> journal.count(
        "SELECT count(*) FROM rewind.routes WHERE namespace = $1 AND name = $2", ns, name) == 1);
  }

  private static void policy(String name, String spec) {
    admin.resources(RetryPolicy.class).inNamespace(ns).resource(Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: %s}
        spec: %s
        """.formatted(name, spec), RetryPolicy.class)).create();
  }

  private static void create(String yaml) {
    admin.resources(Replay.class).inNamespace(ns).resource(Serialization.unmarshal(yaml, Replay.class)).create();
  }

  private static Replay replay(String name) {
    return admin.resources(Replay.class).inNamespace(ns).withName(name).get();
  }

  private static Replay awaitPhase(String name, ReplayPhase phase) {
    await().atMost(WAIT).until(() -> {
      Replay r = replay(name);
      return r != null && r.getStatus() != null && r.getStatus().getPhase() == phase;
    });
    return replay(name);
  }

  private static Condition condition(Replay replay, String type) {
    return replay.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
        .orElseThrow();
  }

  private static ToolResult kubectlWait(String condition, String replay, String timeout) {
    return kube.run("kubectl", kube.kubeconfig(), "wait", "--for=condition=" + condition, "replay/" + replay,
        "-n", ns, "--timeout=" + timeout);
  }

  private static List<String> eventReasons(String replay) {
    return admin.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> Replay.KIND.equals(e.getInvolvedObject().getKind())
            && replay.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason).toList();
  }
}
