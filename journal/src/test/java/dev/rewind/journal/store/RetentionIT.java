package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RetentionIT {

  private static TestStore store;

  @BeforeAll
  static void start() {
    store = TestStore.create();
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  @Test
  void deletesOnlyCompletedEventsPastTheirAgeAndNeverThoseARunningReplayHolds() {
    store.completedEvent("old-delivered", "delivered", "8 days");
    store.completedEvent("new-delivered", "delivered", "1 day");
    store.completedEvent("old-dead", "dead", "31 days");
    store.completedEvent("young-dead", "dead", "8 days");
    store.completedEvent("held-dead", "dead", "40 days");
    store.completedEvent("failed", "failed", null);
    store.completedEvent("pending", "pending", null);
    store.column("INSERT INTO rewind.replays (id, namespace, name, spec, phase) VALUES (gen_random_uuid(),"
        + " 'default', 'running', '{}', 'Running') RETURNING id");
    store.column("INSERT INTO rewind.replay_items (replay_id, event_id, state) SELECT r.id, e.id, 'pending'"
        + " FROM rewind.replays r, rewind.events e WHERE r.name = 'running' AND e.event_id = 'held-dead'"
        + " RETURNING event_id");
    store.column("INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination,"
        + " started_at, duration_ms, outcome) SELECT id, namespace, 1, 'initial', 'w', 'http://x/', now(), 1, '503' FROM rewind.events"
        + " WHERE event_id = 'old-dead' RETURNING number");

    long deleted = Retention.DEFAULT.apply(store.store.pool()).await().atMost(Duration.ofSeconds(30));

    assertThat(deleted).isEqualTo(2);
    assertThat(store.column("SELECT event_id FROM rewind.events ORDER BY event_id"))
        .containsExactly("failed", "held-dead", "new-delivered", "pending", "young-dead");
    assertThat(store.count("SELECT count(*) FROM rewind.attempts")).isZero();
  }
}
