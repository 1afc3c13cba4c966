package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.testing.TestStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Migrating a version 6 journal (one table per kind) to the day-partitioned one of version 7, and on to version 8's
 * died leaves: every event, attempt, replay and replay item is kept as it was, each event lands in the partition of
 * its capture day, in the leaf of its kind (dead events with their attempts in the died one), and capture,
 * deduplication, claims, outcomes and traces work on the migrated journal.
 */
class PartitionedJournalMigrationIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  // Every table the migration rewrites or touches, as one text per table: a row-for-row fingerprint (without the
  // columns version 8 adds, which say which leaf a row is in: asserted apart).
  private static final List<String> FINGERPRINTS = List.of(
      "SELECT coalesce(string_agg((to_jsonb(e) - 'died')::text, E'\\n' ORDER BY e.id), '') FROM rewind.events e",
      "SELECT coalesce(string_agg((to_jsonb(a) - 'event_died')::text, E'\\n' ORDER BY a.event_id, a.number), '')"
          + " FROM rewind.attempts a",
      "SELECT coalesce(string_agg(i::text, E'\\n' ORDER BY i.replay_id, i.event_id), '') FROM rewind.replay_items i",
      "SELECT coalesce(string_agg(r::text, E'\\n' ORDER BY r.id), '') FROM rewind.replays r",
      "SELECT coalesce(string_agg(b::text, E'\\n' ORDER BY b.namespace, b.destination), '') FROM rewind.breakers b");

  @Test
  void aVersion6JournalWithEventsInEveryStateKeepsThemAllAndWorksAfterwards() {
    try (TestStore store = StoreAtVersion.create(6)) {
      Instant now = Instant.now();
      UUID pending = event(store, Uuids.v7(now.minus(Duration.ofDays(3))), "orders", "pending", "pending", null);
      UUID delivering = event(store, Uuids.v7(now.minus(Duration.ofDays(2))), "orders", "delivering", "delivering",
          null);
      UUID failed = event(store, Uuids.v7(now.minus(Duration.ofDays(2))), "orders", "failed", "failed", null);
      UUID delivered = event(store, Uuids.v7(now.minus(Duration.ofDays(1))), "orders", "delivered", "delivered",
          "1 day");
      UUID dead = event(store, Uuids.v7(now.minus(Duration.ofDays(1))), "orders", "dead", "dead", "20 hours");
      UUID replayed = event(store, Uuids.v7(now.minus(Duration.ofDays(5))), "orders", "replayed", "dead", "4 days");
      UUID queued = event(store, Uuids.v7(now.minus(Duration.ofDays(4))), "orders", "queued", "delivered", "4 days");
      // Held: its destination's circuit breaker is open.
      UUID held = event(store, Uuids.v7(now.minus(Duration.ofHours(1))), "held", "held", "pending", null);
      // Not a UUIDv7: a sender may resend any UUID as Rewind-Capture-Id.
      UUID random = event(store, UUID.randomUUID(), "orders", "random", "delivered", "1 hour");
      UUID recent = event(store, Uuids.v7(now.minus(Duration.ofHours(2))), "orders", "recent", "delivered",
          "30 minutes");
      store.column("UPDATE rewind.events SET lease_owner = 'w', lease_token = 1, attempts = 1, leased_at = now(),"
          + " next_attempt_at = now() + interval '1 hour' WHERE id = $1 RETURNING id", delivering);
      store.column("UPDATE rewind.events SET attempts = 1, next_attempt_at = now() - interval '1 minute'"
          + " WHERE id = $1 RETURNING id", failed);
      attempt(store, failed, 1, "503");
      attempt(store, delivered, 1, "delivered");
      attempt(store, dead, 1, "503");
      attempt(store, dead, 2, "503");
      attempt(store, replayed, 1, "400");
      attempt(store, random, 1, "delivered");
      UUID running = replay(store, "running", "Running");
      UUID pendingReplay = replay(store, "waiting", "Pending");
      item(store, running, replayed);
      item(store, pendingReplay, queued);
      store.column("INSERT INTO rewind.breakers (namespace, destination, state, opened_at, last_failure)"
          + " VALUES ('default', 'http://held:80', 'open', now(), '503') RETURNING state");
      List<String> before = fingerprints(store);
      assertThat(store.count("SELECT count(*) FROM rewind.events")).isEqualTo(10);

      int version = StoreSchema.migrate(store.store.pool()).await().atMost(WAIT);

      assertThat(version).isEqualTo(StoreSchema.CURRENT_VERSION);
      assertThat(fingerprints(store)).as("every row of every table, as it was").isEqualTo(before);
      assertThat(store.count("SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
          + " WHERE c.relname IN ('events', 'attempts')")).isEqualTo(2);
      for (UUID id : List.of(pending, delivering, failed, delivered, dead, replayed, queued, held, recent)) {
        String day = DAY.format(LocalDate.ofInstant(Uuids.instantOf(id), ZoneOffset.UTC));
        String leaf = id.equals(dead) || id.equals(replayed) ? "_died" : "_live";
        assertThat(store.column("SELECT tableoid::regclass::text FROM rewind.events WHERE id = $1", id))
            .containsExactly("rewind.events_p" + day + leaf);
      }
      assertThat(store.column("SELECT tableoid::regclass::text FROM rewind.events WHERE id = $1", random))
          .containsExactly("rewind.events_default");
      assertThat(store.column("SELECT id::text FROM rewind.events WHERE died ORDER BY id"))
          .containsExactlyInAnyOrder(dead.toString(), replayed.toString());
      assertThat(store.column("SELECT DISTINCT tableoid::regclass::text FROM rewind.attempts WHERE event_id = $1",
          dead)).containsExactly("rewind.attempts_p" + DAY.format(LocalDate.ofInstant(Uuids.instantOf(dead),
              ZoneOffset.UTC)) + "_died");
      assertThat(store.column("SELECT DISTINCT tableoid::regclass::text FROM rewind.attempts WHERE event_id = $1",
          failed)).containsExactly("rewind.attempts_p" + DAY.format(LocalDate.ofInstant(Uuids.instantOf(failed),
              ZoneOffset.UTC)) + "_live");

      worksAfterwards(store, recent, held, failed, dead);
    }
  }

  /** Capture, dedupe, claim, outcome and trace on the migrated journal. */
  private static void worksAfterwards(TestStore store, UUID recent, UUID held, UUID failed, UUID dead) {
    EventStore events = store.events;
    UUID fresh = Uuids.v7(Instant.now());
    List<Appended> appended = events.append(List.of(newEvent(fresh, "fresh", "fresh-1", "{}"),
            newEvent(Uuids.v7(Instant.now()), "orders", "recent", "{}"),
            newEvent(Uuids.v7(Instant.now()), "held", "held", "{\"other\":true}")),
        List.of(false, false, false), "w", Duration.ofMinutes(1)).await().atMost(WAIT);
    assertThat(appended.get(0).id()).isEqualTo(fresh);
    assertThat(appended.get(0).duplicate()).isFalse();
    assertThat(appended.get(1).duplicate()).as("source id of a migrated event, same body").isTrue();
    assertThat(appended.get(1).id()).isEqualTo(recent);
    assertThat(appended.get(2).refused()).as("source id of a migrated event, another body").isTrue();

    List<ClaimedEvent> claimed = events.claimDue("w", "default", List.of("fresh", "orders"), 10,
        Duration.ofMinutes(1), 1 << 20, Duration.ZERO).await().atMost(WAIT);
    assertThat(claimed).extracting(c -> c.event().id()).contains(fresh, failed);
    ClaimedEvent mine = claimed.stream().filter(c -> c.event().id().equals(fresh)).findFirst().orElseThrow();
    AttemptRecord attempt = new AttemptRecord(fresh, 1, AttemptRecord.INITIAL, null, null, "w", "http://x/",
        Instant.now(), 3.0, 200, null, null, "delivered", List.of(), new byte[0]);
    int changed = events.recordOutcomes(List.of(new OutcomeWrite(attempt, mine.event().leaseToken(),
        EventState.DELIVERED, null))).await().atMost(WAIT);
    assertThat(changed).isEqualTo(1);

    EventTrace trace = events.trace("default", fresh).await().atMost(WAIT).orElseThrow();
    assertThat(trace.event().state()).isEqualTo(EventState.DELIVERED);
    assertThat(trace.attempts()).extracting(AttemptRecord::outcome).containsExactly("delivered");
    assertThat(events.trace("default", dead).await().atMost(WAIT).orElseThrow().attempts()).hasSize(2);
    EventTrace heldTrace = events.trace("default", held).await().atMost(WAIT).orElseThrow();
    assertThat(heldTrace.hold()).isNotNull();
    assertThat(heldTrace.hold().kind()).isEqualTo("open");
  }

  private static NewEvent newEvent(UUID id, String route, String sourceId, String body) {
    return new NewEvent(id, "default", route, 1, sourceId, null, null, "order.created", "erp", "erp-0", "POST",
        "http://x/", "", List.of(), body.getBytes(StandardCharsets.UTF_8), Uuids.instantOf(id));
  }

  private static UUID event(TestStore store, UUID id, String route, String eventId, String state,
      String completedAgo) {
    String url = route.equals("held") ? "http://held/" : "http://x/";
    store.column("INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body,"
        + " received_at, state, next_attempt_at, completed_at) VALUES ($1, 'default', $2, $3, 'POST', $4,"
        + " '[[\"Content-Type\",\"application/json\"]]', '\\x7b7d', now(), $5,"
        + " CASE WHEN $5 IN ('pending', 'failed') THEN now() END,"
        + " CASE WHEN $6::text IS NULL THEN NULL ELSE now() - $6::interval END) RETURNING id",
        id, route, eventId, url, state, completedAgo);
    return id;
  }

  private static void attempt(TestStore store, UUID eventId, int number, String outcome) {
    store.column("INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination,"
        + " started_at, duration_ms, status_code, outcome) VALUES ($1, 'default', $2, $3, 'w', 'http://x/',"
        + " now(), 2.5, $4, $5) RETURNING number", eventId, number, number == 1 ? "initial" : "retry",
        outcome.equals("delivered") ? 200 : Integer.parseInt(outcome), outcome);
  }

  private static UUID replay(TestStore store, String name, String phase) {
    UUID id = UUID.randomUUID();
    store.column("INSERT INTO rewind.replays (id, namespace, name, spec, phase, matched) VALUES ($1, 'default', $2,"
        + " '{}', $3, 1) RETURNING id", id, name, phase);
    return id;
  }

  private static void item(TestStore store, UUID replay, UUID event) {
    store.column("INSERT INTO rewind.replay_items (replay_id, event_id, state, next_attempt_at) VALUES ($1, $2,"
        + " 'pending', now()) RETURNING event_id", replay, event);
  }

  private static List<String> fingerprints(TestStore store) {
    return FINGERPRINTS.stream().map(sql -> store.column(sql).get(0)).toList();
  }
}
