package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.Fault;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fault at each stage of the delivery path, for a replay (the operator's replay worker and the CLI run this
 * engine): every item of the faulty route ends recorded, with its replay attempts in the log, and the replay's
 * healthy route is delivered meanwhile. More faulty items than the replay's concurrency (16), so a slot that was
 * never given back would stop the replay.
 */
class ReplayFaultsIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int FAULTY = 24;
  private static final int HEALTHY = 6;

  private static TestStore store;
  private HttpSink healthy;
  private HttpSink faulty;
  private Replays.Engine engine;

  @BeforeAll
  static void store() {
    store = TestStore.create();
  }

  @AfterAll
  static void closeStore() {
    store.close();
  }

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.close();
    }
    healthy.close();
    faulty.close();
    Fault.removeStoreFaults(store);
  }

  static Stream<Fault> faults() {
    return Fault.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void everyFaultyItemEndsRecordedAndTheHealthyRouteIsReplayed(Fault fault) {
    healthy = HttpSink.start();
    faulty = HttpSink.start();
    String tag = "replay-" + Math.abs(fault.stage().hashCode());
    ResolvedRoute good = Routes.to("good-" + tag, healthy.url("/ok"), Fault.TWO_TRIES);
    ResolvedRoute bad = fault.route(tag, faulty);
    List<UUID> badEvents = JournalSeed.in(store).route(bad.name(), bad.destination())
        .state(EventState.DEAD, "503", 1).append(FAULTY);
    JournalSeed.in(store).route(good.name(), good.destination()).state(EventState.DEAD, "503", 1).append(HEALTHY);
    fault.installStoreFault(store, bad);
    engine = new Replays.Engine(store, "w-" + tag, fault.secrets(), Duration.ofSeconds(5));
    ReplayRequest request = Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: %s}
        spec: {routes: [%s, %s], concurrency: 16, rateLimit: 0}
        """.formatted(tag, bad.name(), good.name()), bad, good);

    engine.start(request);

    await().atMost(WAIT).untilAsserted(() -> assertThat(itemStates(request.id(), bad.name()))
        .as("every faulty item ended in a recorded state").containsOnly(fault.finalState()).hasSize(FAULTY));
    await().atMost(WAIT).untilAsserted(() -> assertThat(itemStates(request.id(), good.name()))
        .as("the healthy route was replayed meanwhile").containsOnly("delivered").hasSize(HEALTHY));
    assertThat(healthy.count()).isEqualTo(HEALTHY);
    assertThat(store.column("SELECT DISTINCT outcome FROM rewind.attempts WHERE replay_id = $1 AND event_id ="
        + " ANY($2)", request.id(), badEvents.toArray(UUID[]::new))).contains(fault.outcome());
    assertThat(store.count("SELECT count(*) FROM rewind.events e WHERE e.route = $1 AND e.attempts <> (SELECT"
        + " count(*) FROM rewind.attempts a WHERE a.event_id = e.id)", bad.name()))
        .as("events whose attempt count differs from their attempt rows").isZero();
    ReplayStatusView view = engine.engine.finished(request.id()).await().atMost(WAIT);
    assertThat(view.phase().isTerminal()).as("the replay ended: " + view.phase()).isTrue();
    assertThat(view.delivered() + view.failed()).isEqualTo(FAULTY + HEALTHY);
  }

  private static List<String> itemStates(UUID replay, String route) {
    return store.column("SELECT i.state FROM rewind.replay_items i JOIN rewind.events e ON e.id = i.event_id"
        + " WHERE i.replay_id = $1 AND e.route = $2", replay, route);
  }
}
