package dev.rewind.operator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.store.Retention;
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
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * In a cluster the sidecars leave retention to the operator: its leader deletes expired events from the journal as
 * soon as it leads, then every interval, and leaves alone what is not expired or not finished; each run also creates
 * the journal's day partitions ahead.
 */
@KubeApiTest
class JournalRetentionIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void theLeaderDeletesExpiredEventsAtOnceAndThenEveryInterval(KubeTestBed kube, @TestNamespace String ns) {
    Crds.installed(kube.adminClient());
    KubeUser serviceAccount = OperatorRbac.installFor(kube, ns);
    try (TestStore journal = TestStore.create()) {
      journal.completedEvent("expired-delivered", "delivered", "8 days");
      journal.completedEvent("recent-delivered", "delivered", "1 day");
      journal.completedEvent("expired-dead", "dead", "31 days");
      journal.completedEvent("failed", "failed", null);
      // The journal is partitioned by day (V7): the leader creates the coming days' partitions at each run.
      String dayAfterTomorrow = journal.column("SELECT to_char(now() AT TIME ZONE 'UTC' + interval '2 days',"
          + " 'YYYYMMDD')").get(0);
      journal.column("DROP TABLE rewind.events_p" + dayAfterTomorrow + ", rewind.attempts_p" + dayAfterTomorrow);
      OperatorSettings settings = new OperatorSettings(Set.of(ns), List.of(), Duration.ofMinutes(5),
          Duration.ofSeconds(5), null, OperatorSettings.Replay.defaults("retention-it"),
          new OperatorSettings.RetentionSchedule(Retention.DEFAULT, Duration.ofSeconds(1)), null, null);

      try (RunningReplayOperator operator = RunningReplayOperator.start(serviceAccount.client(), settings,
          journal.store)) {
        await().atMost(WAIT).until(() -> eventIds(journal).size() == 2);
        assertThat(journal.column("SELECT to_regclass($1)::text", "rewind.events_p" + dayAfterTomorrow))
            .containsExactly("rewind.events_p" + dayAfterTomorrow);
        assertThat(eventIds(journal)).containsExactly("failed", "recent-delivered");

        // Expired later (as if a week went by): the next run takes it.
        journal.column("UPDATE rewind.events SET completed_at = now() - interval '8 days'"
            + " WHERE event_id = 'recent-delivered' RETURNING event_id");
        await().atMost(WAIT).until(() -> eventIds(journal).equals(List.of("failed")));
      }
    }
  }

  private static List<String> eventIds(TestStore journal) {
    return journal.column("SELECT event_id FROM rewind.events ORDER BY event_id");
  }
}
