package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replays against a real PostgreSQL and real HTTP destinations. */
class ReplayEngineIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestStore store;
  private HttpSink sink;
  private final List<AutoCloseable> closeLast = new ArrayList<>();

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
  void stop() throws Exception {
    for (AutoCloseable c : closeLast) {
      c.close();
    }
    sink.close();
  }

  private Replays.Engine engine(String worker) {
    Replays.Engine engine = new Replays.Engine(store, worker);
    closeLast.add(0, engine);
    return engine;
  }

  private static Map<String, Long> replayAttemptsByOutcome(UUID replayId) {
    Map<String, Long> counts = new HashMap<>();
    store.column("SELECT outcome FROM rewind.attempts WHERE replay_id = $1", replayId)
        .forEach(o -> counts.merge(o, 1L, Long::sum));
    return counts;
  }

  private List<String> receivedIds() {
    return sink.received().stream().map(r -> r.header(AttemptRunner.EVENT_ID_HEADER)).toList();
  }

  private static List<String> text(List<UUID> ids) {
    return ids.stream().map(UUID::toString).toList();
  }

  @Test
  void aReplayDeliversExactlyTheFailedSetOnceEachAndJournalsEveryAttempt() {
    ResolvedRoute route = Routes.to("orders", sink.url("/orders"), "maxAttempts: 3\n");
    JournalSeed seed = JournalSeed.in(store).route("orders", sink.url("/orders"));
    List<UUID> dead = seed.state(EventState.DEAD, "503", 3).append(30);
    List<UUID> failed = seed.state(EventState.FAILED, "500", 2).append(20);
    seed.state(EventState.DELIVERED, "delivered", 1).append(15);
    seed.state(EventState.PENDING, null, 0).append(10);
    List<UUID> expected = new ArrayList<>(dead);
    expected.addAll(failed);
    ReplayRequest request = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: failed-orders}
        spec: {routeRef: {name: orders}, concurrency: 8, rateLimit: 0}
        """, route);

    Replays.Engine engine = engine("w-exact");
    ReplayStatusView view = engine.run(request);

    assertThat(view.phase()).isEqualTo(ReplayPhase.Succeeded);
    assertThat(view.matched()).isEqualTo(50);
    assertThat(view.delivered()).isEqualTo(50);
    assertThat(view.failed()).isZero();
    assertThat(view.remaining()).isZero();
    assertThat(view.conditions()).filteredOn(c -> c.getType().equals(ReplayStatus.COMPLETE))
        .singleElement().satisfies(c -> assertThat(c.isTrue()).isTrue());
    // The destination got exactly the failed and dead events, each once, marked as this replay's.
    assertThat(receivedIds()).containsExactlyInAnyOrderElementsOf(text(expected));
    assertThat(sink.received()).allSatisfy(r -> {
      assertThat(r.header(AttemptRunner.REPLAY_HEADER)).isEqualTo("failed-orders");
      assertThat(r.path()).isEqualTo("/orders");
    });
    // Every attempt is journaled as a replay attempt, numbered after the event's earlier ones.
    EventTrace deadTrace = store.events.trace("default", dead.get(0)).await().atMost(WAIT).orElseThrow();
    assertThat(deadTrace.attempts()).extracting(AttemptRecord::number).containsExactly(1, 2, 3, 4);
    AttemptRecord replayed = deadTrace.attempts().get(3);
    assertThat(replayed.trigger()).isEqualTo(AttemptRecord.REPLAY);
    assertThat(replayed.replayId()).isEqualTo(request.id());
    assertThat(replayed.replayName()).isEqualTo("failed-orders");
    assertThat(replayed.worker()).isEqualTo("w-exact");
    assertThat(replayed.outcome()).isEqualTo("delivered");
    assertThat(sink.receivedFor(dead.get(0).toString()).get(0).header(AttemptRunner.ATTEMPT_HEADER)).isEqualTo("4");
    EventTrace failedTrace = store.events.trace("default", failed.get(0)).await().atMost(WAIT).orElseThrow();
    assertThat(failedTrace.attempts()).extracting(AttemptRecord::trigger)
        .containsExactly("initial", "retry", "replay");
    // The events are delivered now, and their lease token moved on so a late live outcome cannot undo that.
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = ANY($1) AND state = 'delivered'"
        + " AND last_outcome = 'delivered' AND completed_at IS NOT NULL AND next_attempt_at IS NULL",
        (Object) expected.toArray(UUID[]::new))).isEqualTo(50);
    assertThat(store.column("SELECT lease_token FROM rewind.events WHERE id = $1", dead.get(0)))
        .containsExactly("4");
    assertThat(replayAttemptsByOutcome(request.id())).isEqualTo(Map.of("delivered", 50L));
    // Counted and timed where live attempts are, under trigger replay.
    assertThat(engine.meters.get("rewind.attempt.duration").tags("route", "orders", "trigger", "replay",
        "outcome", "delivered").timer().count()).isEqualTo(50);
    assertThat(engine.meters.find("rewind.attempt.duration").tag("trigger", "initial").timers()).isEmpty();
  }

  @Test
  void aTerminalReplayIsNeverRunAgain() {
    ResolvedRoute route = Routes.to("once", sink.url("/once"), "maxAttempts: 1\n");
    JournalSeed.in(store).route("once", sink.url("/once")).append(5);
    ReplayRequest request = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: once}
        spec: {routeRef: {name: once}, rateLimit: 0}
        """, route);
    Replays.Engine engine = engine("w-once");
    ReplayStatusView first = engine.run(request);
    // The events are dead again, as if live delivery had failed them once more.
    store.column("UPDATE rewind.events SET state = 'dead' WHERE route = 'once' RETURNING id");

    ReplayStatusView again = engine.start(request);

    assertThat(first.phase()).isEqualTo(ReplayPhase.Succeeded);
    assertThat(again).isEqualTo(first);
    assertThat(engine.engine.runsHere(request.id())).isFalse();
    assertThat(sink.count()).isEqualTo(5);
  }

  @Test
  void theOverridePolicysRetriesAndDestinationSucceedWhereTheRoutesPolicyGaveUp() {
    ResolvedRoute route = Routes.to("flaky", sink.url("/original"), "maxAttempts: 1\n");
    List<UUID> events = JournalSeed.in(store).route("flaky", sink.url("/original"))
        .state(EventState.DEAD, "503", 1).append(6);
    HttpSink fallback = HttpSink.start();
    closeLast.add(fallback);
    sink.answer(r -> HttpSink.Answer.status(503));
    fallback.failFirst(2, 503);
    Replays.Engine engine = engine("w-override");

    // With the route's own policy (one attempt) the replay gives up on every event.
    ReplayStatusView plain = engine.run(Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: plain}
        spec: {routeRef: {name: flaky}, rateLimit: 0}
        """, route));
    // A patient policy and a destination that recovers after two failures succeed.
    ReplayRequest patient = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: patient}
        spec:
          maxAttempts: 5
          backoff: {policy: fixed, initialDelay: 20ms, maxDelay: 20ms, jitter: 0}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: patient}
        spec:
          routeRef: {name: flaky}
          rateLimit: 0
          override:
            retryPolicyRef: {name: patient}
            destination: {url: "%s"}
        """.formatted(fallback.url("/fallback")), route);
    ReplayStatusView retried = engine.run(patient);

    assertThat(plain.phase()).isEqualTo(ReplayPhase.Failed);
    assertThat(plain.failed()).isEqualTo(6);
    // The message says what the failures were, from the last attempt of each given-up event.
    assertThat(plain.message()).isEqualTo("the replay's policy gave up on all 6 events; none was delivered; 6 of the"
        + " 6 failed with: HTTP 503 from " + sink.url("/original"));
    assertThat(sink.count()).isEqualTo(6);
    assertThat(retried.phase()).isEqualTo(ReplayPhase.Succeeded);
    assertThat(retried.delivered()).isEqualTo(6);
    for (UUID id : events) {
      List<HttpSink.Received> got = fallback.receivedFor(id.toString());
      assertThat(got).extracting(HttpSink.Received::path).containsExactly("/fallback", "/fallback", "/fallback");
      assertThat(got).extracting(r -> r.header(AttemptRunner.REPLAY_HEADER)).containsOnly("patient");
      EventTrace trace = store.events.trace("default", id).await().atMost(WAIT).orElseThrow();
      assertThat(trace.attempts()).extracting(AttemptRecord::replayName)
          .containsExactly(null, "plain", "patient", "patient", "patient");
      assertThat(trace.attempts()).extracting(AttemptRecord::number).containsExactly(1, 2, 3, 4, 5);
      assertThat(trace.attempts().get(4).destination()).isEqualTo(fallback.url("/fallback"));
      assertThat(trace.event().state()).isEqualTo(EventState.DELIVERED);
    }
    assertThat(replayAttemptsByOutcome(patient.id())).isEqualTo(Map.of("503", 12L, "delivered", 6L));
  }

  @Test
  void anOverridePolicyThatDoesNotExistRefusesTheReplay() {
    ReplayStatusView view = engine("w-missing").start(Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: missing-policy}
        spec: {routeRef: {name: orders}, override: {retryPolicyRef: {name: nowhere}}}
        """, Routes.to("orders", sink.url("/orders"), "maxAttempts: 1\n")));

    assertThat(view.phase()).isEqualTo(ReplayPhase.Failed);
    assertThat(view.message()).isEqualTo("spec.override.retryPolicyRef.name: RetryPolicy \"nowhere\" not found in"
        + " namespace default");
    assertThat(view.conditions()).filteredOn(c -> c.getType().equals(ReplayStatus.FAILED)).singleElement()
        .extracting(c -> c.getStatus(), c -> c.getReason()).containsExactly("True", "RetryPolicyNotFound");
    assertThat(sink.count()).isZero();
  }

  @Test
  void aRouteThatDoesNotExistRefusesTheReplayNamingTheFieldAndTheRoute() {
    JournalSeed.in(store).route("gone", sink.url("/gone")).append(3);
    Replays.Engine engine = engine("w-no-route");

    ReplayStatusView one = engine.start(Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: misspelt}
        spec: {routeRef: {name: gone}}
        """));
    ReplayStatusView some = engine.start(Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: some-missing}
        spec: {routes: [orders, gone, nowhere]}
        """, Routes.to("orders", sink.url("/orders"), "maxAttempts: 1\n")));

    assertThat(one.phase()).isEqualTo(ReplayPhase.Failed);
    assertThat(one.message()).isEqualTo("spec.routeRef.name: Route \"gone\" not found in namespace default");
    assertThat(one.conditions()).filteredOn(c -> c.getType().equals(ReplayStatus.FAILED)).singleElement()
        .extracting(c -> c.getStatus(), c -> c.getReason()).containsExactly("True", "RouteNotFound");
    assertThat(some.phase()).isEqualTo(ReplayPhase.Failed);
    assertThat(some.message()).isEqualTo("spec.routes: Routes \"gone\", \"nowhere\" not found in namespace default");
    assertThat(sink.count()).isZero();
  }

  @Test
  void aWindowThatCannotBeOrderedBeforeTheStartRefusesTheReplayNamingTheField() {
    Replays.Engine engine = engine("w-since");
    ResolvedRoute route = Routes.to("orders", sink.url("/orders"), "maxAttempts: 1\n");

    // The CRD accepts it (a duration and a timestamp cannot be ordered before the replay starts); once since is
    // resolved against the start, until is not later than it.
    ReplayStatusView backwards = engine.start(Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: until-before-since}
        spec: {routeRef: {name: orders}, since: 1h, until: "2000-01-01T00:00:00Z"}
        """, route));

    assertThat(backwards.phase()).isEqualTo(ReplayPhase.Failed);
    assertThat(backwards.conditions()).filteredOn(c -> c.getType().equals(ReplayStatus.FAILED)).singleElement()
        .extracting(c -> c.getReason()).isEqualTo("InvalidSpec");
    assertThat(backwards.message()).startsWith("spec.until: 2000-01-01T00:00:00Z (2000-01-01T00:00:00Z) is not"
        + " later than spec.since 1h");
    assertThat(sink.count()).isZero();
  }

  @Test
  void aReplayInOneNamespaceRedeliversNothingOfAnother() {
    List<UUID> mine = JournalSeed.in(store).namespace("team-a").route("shared", sink.url("/a")).append(12);
    List<UUID> theirs = JournalSeed.in(store).namespace("team-b").route("shared", sink.url("/b")).append(9);
    ResolvedRoute routeA = Routes.to("shared", sink.url("/a"), "maxAttempts: 1\n");
    ReplayRequest base = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: team-a-replay, namespace: team-a}
        spec: {routeRef: {name: shared}, rateLimit: 0, states: [failed, dead, delivered]}
        """, routeA);

    ReplayStatusView view = engine("w-ns").run(base);

    assertThat(base.namespace()).isEqualTo("team-a");
    assertThat(view.matched()).isEqualTo(12);
    assertThat(receivedIds()).containsExactlyInAnyOrderElementsOf(text(mine));
    UUID[] theirIds = theirs.toArray(UUID[]::new);
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = ANY($1) AND state = 'dead'"
        + " AND attempts = 3", (Object) theirIds)).isEqualTo(9);
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = ANY($1)"
        + " AND trigger = 'replay'", (Object) theirIds)).isZero();
  }

  @Test
  void aSelectionLargerThanMaxEventsFailsSayingHowManyMatched() {
    JournalSeed.in(store).route("bulk", sink.url("/bulk")).append(1200);
    ReplayRequest request = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: too-many}
        spec: {routeRef: {name: bulk}, maxEvents: 1000}
        """, Routes.to("bulk", sink.url("/bulk"), "maxAttempts: 1\n"));

    ReplayStatusView view = engine("w-big").start(request);

    assertThat(view.phase()).isEqualTo(ReplayPhase.Failed);
    assertThat(view.message()).startsWith("1200 events matched, more than maxEvents 1000; raise maxEvents to"
        + " replay them");
    assertThat(view.matched()).isEqualTo(1200);
    assertThat(view.conditions()).filteredOn(c -> c.getType().equals(ReplayStatus.FAILED)).singleElement()
        .extracting(c -> c.getStatus(), c -> c.getReason()).containsExactly("True", "TooManyEvents");
    assertThat(store.count("SELECT count(*) FROM rewind.replay_items WHERE replay_id = $1", request.id())).isZero();
    assertThat(sink.count()).isZero();
  }

  @Test
  void aRunnerStoppedMidwayIsFinishedByAnotherWithoutDeliveringAnyEventTwice() {
    ResolvedRoute route = Routes.to("restart", sink.url("/restart"), "maxAttempts: 1\n");
    List<UUID> events = JournalSeed.in(store).route("restart", sink.url("/restart")).append(200);
    ReplayRequest request = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: restart}
        spec: {routeRef: {name: restart}, rateLimit: 100, concurrency: 4}
        """, route);
    Replays.Engine first = new Replays.Engine(store, "w-first");
    first.start(request);
    List<String> matchedSet = store.column("SELECT event_id::text FROM rewind.replay_items WHERE replay_id = $1"
        + " ORDER BY event_id", request.id());
    await().atMost(WAIT).until(() -> first.engine.status(request.id()).await().atMost(WAIT).orElseThrow()
        .delivered() >= 40);

    first.close();
    ReplayStatusView stopped = first.engine.status(request.id()).await().atMost(WAIT).orElseThrow();
    ReplayStatusView finished = engine("w-second").run(request);

    assertThat(stopped.phase()).isEqualTo(ReplayPhase.Running);
    assertThat(stopped.delivered()).isBetween(40L, 199L);
    assertThat(finished.phase()).isEqualTo(ReplayPhase.Succeeded);
    assertThat(finished.delivered()).isEqualTo(200);
    assertThat(store.column("SELECT event_id::text FROM rewind.replay_items WHERE replay_id = $1 ORDER BY event_id",
        request.id())).isEqualTo(matchedSet).hasSize(200);
    // Each event has exactly one successful attempt of this replay, and the destination saw each once.
    Map<String, Long> successes = store.column("SELECT event_id::text FROM rewind.attempts WHERE replay_id = $1"
        + " AND outcome = 'delivered'", request.id()).stream()
        .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    assertThat(successes).hasSize(200).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    assertThat(receivedIds()).hasSize(200).containsExactlyInAnyOrderElementsOf(text(events));
    assertThat(store.column("SELECT DISTINCT worker FROM rewind.attempts WHERE replay_id = $1", request.id()))
        .containsExactlyInAnyOrder("w-first", "w-second");
  }

  @Test
  void cancellingStopsClaimingAndLetsAttemptsInFlightFinish() {
    ResolvedRoute route = Routes.to("cancel", sink.url("/cancel"), "maxAttempts: 1\n");
    JournalSeed.in(store).route("cancel", sink.url("/cancel")).append(100);
    ReplayRequest request = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: cancel}
        spec: {routeRef: {name: cancel}, rateLimit: 20, concurrency: 2}
        """, route);
    Replays.Engine engine = engine("w-cancel");
    engine.start(request);
    await().atMost(WAIT).until(() -> sink.count() >= 5);

    ReplayStatusView cancelled = engine.engine.cancel(request.id()).await().atMost(WAIT).orElseThrow();
    ReplayStatusView settled = engine.engine.finished(request.id()).await().atMost(WAIT);
    ReplayStatusView restarted = engine.start(request);

    assertThat(cancelled.phase()).isEqualTo(ReplayPhase.Cancelled);
    assertThat(settled.phase()).isEqualTo(ReplayPhase.Cancelled);
    assertThat(settled.delivered()).isEqualTo(sink.count()).isLessThan(100);
    assertThat(settled.remaining()).isEqualTo(100 - settled.delivered());
    assertThat(restarted.phase()).isEqualTo(ReplayPhase.Cancelled);
    assertThat(engine.engine.runsHere(request.id())).isFalse();
    assertThat(store.count("SELECT count(*) FROM rewind.replay_items WHERE replay_id = $1 AND state = 'delivering'",
        request.id())).isZero();
  }

  @Test
  void aReplayOfNothingSucceedsAtOnce() {
    ReplayStatusView view = engine("w-empty").run(Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: nothing}
        spec: {routeRef: {name: quiet}}
        """, Routes.to("quiet", sink.url("/quiet"), "maxAttempts: 1\n")));

    assertThat(view.phase()).isEqualTo(ReplayPhase.Succeeded);
    assertThat(view.matched()).isZero();
    assertThat(view.message()).isEqualTo("no events matched; nothing to replay");
  }

  @Test
  void deletingAReplayRemovesItsRowsButKeepsItsAttemptsInTheEventsLogs() {
    ResolvedRoute route = Routes.to("deleted", sink.url("/deleted"), "maxAttempts: 1\n");
    List<UUID> events = JournalSeed.in(store).route("deleted", sink.url("/deleted")).append(3);
    ReplayRequest request = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: deleted}
        spec: {routeRef: {name: deleted}, rateLimit: 0}
        """, route);
    Replays.Engine engine = engine("w-delete");
    engine.run(request);

    boolean deleted = engine.engine.delete(request.id()).await().atMost(WAIT);

    assertThat(deleted).isTrue();
    assertThat(engine.engine.status(request.id()).await().atMost(WAIT)).isEmpty();
    assertThat(store.count("SELECT count(*) FROM rewind.replay_items WHERE replay_id = $1", request.id())).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE replay_id = $1 AND event_id = ANY($2)",
        request.id(), events.toArray(UUID[]::new))).isEqualTo(3);
  }
}
