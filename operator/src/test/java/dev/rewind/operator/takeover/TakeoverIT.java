package dev.rewind.operator.takeover;

import static dev.rewind.operator.testing.Objects.newRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.config.OperatorSettings;
import dev.rewind.operator.replay.RunningReplayOperator;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.OperatorRbac;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The sending workload is gone (scaled to zero): its failed and pending events are overdue in the journal and no
 * sidecar will ever claim them. The operator, with its shipped RBAC, delivers them with the route's own policy,
 * and leaves alone what is not overdue yet.
 */
@KubeApiTest
class TakeoverIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void theLeaderDeliversEventsNoSidecarDeliversAndOnlyThose(KubeTestBed kube, @TestNamespace String ns) {
    Crds.installed(kube.adminClient());
    KubeUser serviceAccount = OperatorRbac.installFor(kube, ns);
    try (TestStore journal = TestStore.create();
        // The operator refuses loopback destinations, as in a cluster: the sink listens on this host's address.
        HttpSink sink = HttpSink.startOnHostAddress()) {
      OperatorSettings settings = new OperatorSettings(Set.of(ns), List.of(), Duration.ofMinutes(5),
          Duration.ofSeconds(5), null, OperatorSettings.Replay.defaults("operator-it"), null,
          new OperatorSettings.Takeover(Duration.ofSeconds(2), 4), null);
      List<UUID> overdue = new ArrayList<>();
      List<UUID> later;
      try (RunningReplayOperator operator = RunningReplayOperator.start(serviceAccount.client(), settings,
          journal.store)) {
        kube.adminClient().resources(Route.class).inNamespace(ns)
            .resource(newRoute("orders", sink.url("/orders"), null)).create();
        await().atMost(WAIT).until(() -> journal.count(
            "SELECT count(*) FROM rewind.routes WHERE namespace = $1 AND name = 'orders'", ns) == 1);
        JournalSeed seed = JournalSeed.in(journal).namespace(ns).route("orders", sink.url("/orders"));
        overdue.addAll(seed.state(EventState.FAILED, "503", 1).append(4));
        overdue.addAll(seed.state(EventState.PENDING, null, 0).append(3));
        later = seed.state(EventState.FAILED, "503", 1).append(2);
        // Due a minute ago, with no sidecar to claim them; the last two fall due in a day.
        journal.column("UPDATE rewind.events SET next_attempt_at = now() - interval '1 minute'"
            + " WHERE id = ANY($1) RETURNING id", (Object) overdue.toArray(UUID[]::new));

        await().atMost(WAIT).until(() -> journal.count("SELECT count(*) FROM rewind.events WHERE id = ANY($1)"
            + " AND state = 'delivered'", (Object) overdue.toArray(UUID[]::new)) == overdue.size());
      }

      assertThat(sink.received()).extracting(r -> r.header(AttemptRunner.EVENT_ID_HEADER))
          .containsExactlyInAnyOrderElementsOf(overdue.stream().map(UUID::toString).toList());
      assertThat(journal.column("SELECT DISTINCT worker || ' ' || trigger FROM rewind.attempts"
          + " WHERE event_id = ANY($1) AND outcome = 'delivered'", (Object) overdue.toArray(UUID[]::new)))
          .containsExactlyInAnyOrder("operator-it/" + ns + " retry", "operator-it/" + ns + " initial");
      assertThat(journal.column("SELECT state FROM rewind.events WHERE id = ANY($1)",
          (Object) later.toArray(UUID[]::new))).containsOnly("failed");
    }
  }
}
