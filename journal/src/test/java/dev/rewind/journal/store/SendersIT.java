package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who sent an event: the sender a sidecar records, as a trace shows it, refreshed and in time forgotten. */
class SendersIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static TestStore store;
  private static Senders senders;

  @BeforeAll
  static void start() {
    store = TestStore.create();
    senders = new Senders(store.store.pool());
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  private static UUID eventFrom(String namespace, String pod) {
    return UUID.fromString(store.column("INSERT INTO rewind.events (id, namespace, route, event_id, sender_workload,"
        + " sender_pod, method, url, headers, body, received_at, state) VALUES (gen_random_uuid(), $1, 'r',"
        + " gen_random_uuid()::text, 'orders', $2, 'POST', 'http://x/', '[]', '\\x7b7d', now(), 'pending')"
        + " RETURNING id", namespace, pod).get(0));
  }

  @Test
  void aTraceShowsTheSendingPodWithItsLabelsAsLastRecorded() {
    senders.record(new Sender("shop", "orders-7d9f-x2k4l", "orders",
        Map.of("app.kubernetes.io/name", "orders", "version", "v1"))).await().atMost(WAIT);
    UUID id = eventFrom("shop", "orders-7d9f-x2k4l");

    Sender sender = store.events.trace("shop", id).await().atMost(WAIT).orElseThrow().sender();
    assertThat(sender).isEqualTo(new Sender("shop", "orders-7d9f-x2k4l", "orders",
        Map.of("app.kubernetes.io/name", "orders", "version", "v1")));
    // Stored as a JSON object, so SQL can select by label too (not a JSON string holding the object's text).
    assertThat(store.column("SELECT jsonb_typeof(labels) || ' ' || (labels->>'version') FROM rewind.senders"
        + " WHERE pod = 'orders-7d9f-x2k4l'")).containsExactly("object v1");

    // Labels changed on the running pod: the sidecar records them again.
    senders.record(new Sender("shop", "orders-7d9f-x2k4l", "orders", Map.of("version", "v2"))).await().atMost(WAIT);
    assertThat(store.events.trace("shop", id).await().atMost(WAIT).orElseThrow().sender().labels())
        .containsExactly(Map.entry("version", "v2"));
    assertThat(store.count("SELECT count(*) FROM rewind.senders WHERE pod = 'orders-7d9f-x2k4l'")).isEqualTo(1);
  }

  @Test
  void aPodOfAnotherNamespaceOrOneNeverRecordedGivesNoSender() {
    senders.record(new Sender("team-a", "billing-0", "billing", Map.of("team", "a"))).await().atMost(WAIT);
    UUID sameNameElsewhere = eventFrom("team-b", "billing-0");
    UUID unknown = eventFrom("team-a", "never-recorded");

    assertThat(store.events.trace("team-b", sameNameElsewhere).await().atMost(WAIT).orElseThrow().sender()).isNull();
    assertThat(store.events.trace("team-a", unknown).await().atMost(WAIT).orElseThrow().sender()).isNull();
  }

  @Test
  void retentionForgetsPodsUnseenForLongerThanAnyEventIsKept() {
    senders.record(new Sender("gone", "old-pod", "w", Map.of())).await().atMost(WAIT);
    senders.record(new Sender("gone", "quiet-pod", "w", Map.of())).await().atMost(WAIT);
    senders.record(new Sender("gone", "live-pod", "w", Map.of())).await().atMost(WAIT);
    // Dead events are kept 30 days (the longest), and pods refresh hourly.
    store.column("UPDATE rewind.senders SET seen_at = now() - interval '31 days 2 hours' WHERE pod = 'old-pod'"
        + " RETURNING pod");
    store.column("UPDATE rewind.senders SET seen_at = now() - interval '29 days' WHERE pod = 'quiet-pod'"
        + " RETURNING pod");

    Retention.DEFAULT.apply(store.store.pool()).await().atMost(WAIT);

    assertThat(store.column("SELECT pod FROM rewind.senders WHERE namespace = 'gone' ORDER BY pod"))
        .containsExactly("live-pod", "quiet-pod");
  }
}
