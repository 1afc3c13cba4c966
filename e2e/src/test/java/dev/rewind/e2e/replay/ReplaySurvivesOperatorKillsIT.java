package dev.rewind.e2e.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The operator killed with SIGKILL three times while it delivers a 20,000-event replay: every event is delivered
 * and none is delivered successfully twice by the replay, though each kill cuts off attempts under way and
 * leaves claimed events leased to a dead process. Each restart is a new replica (a new identity in the Lease, as a
 * new Pod would be) that becomes leader once the dead one's Lease ran out, and resumes the same replay from the
 * store: the matched set fixed at the start, the delivered items never claimed again, the items the dead process
 * held claimed again once their lease ran out.
 *
 * <p>Why the destination may see an event twice. The journal records an attempt once its outcome is committed; an
 * attempt that reached the destination but whose outcome was not committed when the process died is attempted
 * again once its lease ran out — under the same {@code Rewind-Event-Id}, which is what consumers deduplicate on
 * (the at-least-once caveat in the operator README). Such an event is necessarily one the killed replica still
 * held: claimed ({@code delivering}, leased to it) and not journaled. The test reads that set from the store right
 * after each kill and checks that every event the destination saw twice is in it.
 *
 * <p>How many that can be is bounded: a replica has at most {@code concurrency} attempts under way and at most
 * two group commits' worth of outcomes ({@code ReplayRun.OUTCOMES_PENDING_MAX}) sent but not yet journaled, so
 * the events received twice are at most kills × (concurrency + that bound). The held set is larger still: it also
 * counts claimed events not started yet, which are never sent twice.
 */
@KubeApiTest
class ReplaySurvivesOperatorKillsIT {

  private static final int EVENTS = 20_000;
  private static final int KILLS = 3;
  private static final int CONCURRENCY = 64;
  /** ReplayRun.OUTCOMES_PENDING_MAX: outcomes a replica may have sent but not yet journaled. */
  private static final int OUTCOMES_PENDING_MAX = 1024;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path WORK = Path.of("target", "e2e", "replay-kills");

  @Test
  void everyEventIsDeliveredAndNoneTwiceByTheReplayThoughTheOperatorIsKilledThreeTimes(KubeTestBed kube,
      KubernetesClient admin, @TestNamespace String ns) throws Exception {
    Crds.install(admin);
    Files.createDirectories(WORK);
    ReplayObjects objects = new ReplayObjects(admin, ns);
    try (TestStore store = TestStore.create(); HttpSink sink = HttpSink.startOnHostAddress()) {
      OperatorProcess operator = operator(kube, store, ns, 1);
      try {
        String url = sink.url("/bulk");
        objects.publishRoute(store, "bulk", url, WAIT);
        // A short attempt timeout keeps the lease short (twice the timeout plus 5 s, plus a queue allowance):
        // events a killed process held are attempted again after about 11 s rather than minutes.
        objects.createPolicy("replay-quick", "{maxAttempts: 5, backoff: {policy: fixed, initialDelay: 100ms,"
            + " maxDelay: 100ms}, timeout: 1s}");
        long seeding = System.nanoTime();
        List<UUID> events = JournalSeed.in(store).namespace(ns).route("bulk", url).append(EVENTS);
        System.out.printf("journaled %d dead events in %d ms%n", EVENTS, (System.nanoTime() - seeding) / 1_000_000);

        long started = System.nanoTime();
        objects.createReplay("""
            apiVersion: rewind.dev/v1alpha1
            kind: Replay
            metadata: {name: bulk}
            spec:
              routeRef: {name: bulk}
              override: {retryPolicyRef: {name: replay-quick}}
              rateLimit: 0
              concurrency: %d
              maxEvents: %d
            """.formatted(CONCURRENCY, EVENTS));
        String uid = objects.awaitPhase("bulk", ReplayPhase.Running, WAIT).getMetadata().getUid();

        Set<String> heldByKilled = new HashSet<>();
        for (int kill = 1; kill <= KILLS; kill++) {
          long threshold = (long) kill * EVENTS / (KILLS + 2);
          await().atMost(WAIT).until(() -> sink.count() >= threshold);
          int atKill = sink.count();
          assertThat(objects.phase("bulk")).isEqualTo(ReplayPhase.Running);
          operator.kill();
          // What the dead replica held: claimed and not journaled. Only these can reach the destination twice.
          List<String> held = store.column("SELECT event_id::text FROM rewind.replay_items WHERE replay_id ="
              + " $1::uuid AND state = 'delivering' AND lease_owner = $2", uid, "operator-" + kill);
          heldByKilled.addAll(held);
          System.out.printf("kill %d: SIGKILL with %d requests at the destination; the replica held %d events"
              + " not journaled%n", kill, atKill, held.size());
          assertThat(atKill).isLessThan(EVENTS);
          operator = operator(kube, store, ns, kill + 1);
        }

        Replay done = objects.awaitPhase("bulk", ReplayPhase.Succeeded, Duration.ofMinutes(3));
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        assertThat(done.getStatus().getMatched()).isEqualTo(EVENTS);
        assertThat(done.getStatus().getDelivered()).isEqualTo(EVENTS);
        assertThat(done.getStatus().getFailed()).isZero();

        // The journal: one successful replay attempt per event, every item and event delivered.
        assertThat(store.count("SELECT count(*) FROM (SELECT event_id FROM rewind.attempts WHERE replay_id ="
            + " $1::uuid AND outcome = 'delivered' GROUP BY event_id HAVING count(*) > 1) twice", uid)).isZero();
        assertThat(store.count("SELECT count(DISTINCT event_id) FROM rewind.attempts WHERE replay_id = $1::uuid"
            + " AND outcome = 'delivered'", uid)).isEqualTo(EVENTS);
        assertThat(store.count("SELECT count(*) FROM rewind.replay_items WHERE replay_id = $1::uuid"
            + " AND state = 'delivered'", uid)).isEqualTo(EVENTS);
        assertThat(store.count("SELECT count(*) FROM rewind.events WHERE namespace = $1 AND state = 'delivered'",
            ns)).isEqualTo(EVENTS);
        // Every replica delivered part of it: each new leader resumed the replay.
        assertThat(store.column("SELECT DISTINCT worker FROM rewind.attempts WHERE replay_id = $1::uuid"
            + " ORDER BY worker", uid)).containsExactly("operator-1", "operator-2", "operator-3", "operator-4");

        // The destination: every event, some twice (same event id), within the bound explained above.
        Map<String, Long> perEvent = sink.received().stream()
            .collect(Collectors.groupingBy(r -> r.header("Rewind-Event-Id"), HashMap::new, Collectors.counting()));
        assertThat(perEvent.keySet()).isEqualTo(events.stream().map(UUID::toString).collect(Collectors.toSet()));
        Set<String> receivedTwice = perEvent.entrySet().stream().filter(e -> e.getValue() > 1)
            .map(Map.Entry::getKey).collect(Collectors.toSet());
        long journaled = store.count("SELECT count(*) FROM rewind.attempts WHERE replay_id = $1::uuid", uid);
        System.out.printf("%d events, %d kills, %d s: %d requests at the destination for %d events; %d events"
            + " received more than once (bound: kills x (concurrency + pending outcomes) = %d; held unjournaled by"
            + " the killed replicas: %d);"
            + " %d attempts journaled%n", EVENTS, KILLS, seconds, sink.count(), perEvent.size(),
            receivedTwice.size(), KILLS * (CONCURRENCY + OUTCOMES_PENDING_MAX), heldByKilled.size(), journaled);
        assertThat(heldByKilled).containsAll(receivedTwice);
        assertThat(receivedTwice).hasSizeLessThanOrEqualTo(KILLS * (CONCURRENCY + OUTCOMES_PENDING_MAX));
      } finally {
        operator.close();
      }
    }
  }

  /** Replica {@code n}: its own identity in the Lease and on its attempts, short Lease timings. */
  private static OperatorProcess operator(KubeTestBed kube, TestStore store, String ns, int n) {
    String identity = "operator-" + n;
    return new OperatorProcess(Map.ofEntries(
        Map.entry("rewind.store.url", store.url()),
        Map.entry("rewind.operator.namespaces", ns),
        Map.entry("rewind.leader-election.lease-namespace", ns),
        Map.entry("rewind.leader-election.identity", identity),
        Map.entry("rewind.leader-election.lease-duration", "4s"),
        Map.entry("rewind.leader-election.renew-deadline", "3s"),
        Map.entry("rewind.leader-election.retry-period", "500ms"),
        Map.entry("rewind.replay.worker-id", identity),
        Map.entry("rewind.replay.lease", "1s"),
        Map.entry("rewind.replay.status-interval", "1s"),
        Map.entry("rewind.injector.enabled", "false"),
        Map.entry("quarkus.http.port", "0")),
        kube.kubeconfig(), WORK.resolve(identity + ".log")).start();
  }
}
