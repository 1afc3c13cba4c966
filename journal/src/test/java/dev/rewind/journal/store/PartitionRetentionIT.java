package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.common.EventState;

import dev.rewind.journal.testing.TestStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The day partitions of the journal (V7) and their two leaves (V8): created ahead and idempotently, rows of a day
 * moved out of the default partition when its partition is created, an event moved with its attempts to its day's
 * died leaf when it dies (and kept there), and retention that drops a day whose events are all expired, while a
 * day holding events to keep keeps them with their attempts: its live leaf truncated when only dead events are
 * kept, the survivors moved back into a truncated leaf, or, past {@link Retention#MOVED_AT_MOST} of them, left in
 * place while its expired rows are deleted.
 */
class PartitionRetentionIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  private TestStore store;

  @BeforeEach
  void journal() {
    store = TestStore.create();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void preparingTheStoreCreatesTodayAndTheComingDaysAndCreatingThemAgainChangesNothing() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    for (int d = -1; d <= 2; d++) {
      assertThat(partition("events", today.plusDays(d))).as("day %d", d).isTrue();
      assertThat(partition("attempts", today.plusDays(d))).as("day %d", d).isTrue();
    }

    assertThat(store.count("SELECT rewind.ensure_partitions(now() - interval '1 day', now() + interval '2 days')"))
        .isZero();
  }

  /** A day's id range holds exactly the UUIDv7 ids generated from its first to its last millisecond. */
  @Test
  void aDaysIdRangeHoldsTheIdsOfItsMillisecondsAndNoOthers() {
    for (LocalDate day : List.of(LocalDate.of(1970, 1, 2), LocalDate.of(2026, 12, 6), LocalDate.of(2099, 2, 28))) {
      Instant first = day.atStartOfDay().toInstant(ZoneOffset.UTC);
      Instant last = day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusMillis(1);
      for (UUID inside : List.of(Uuids.v7(first), Uuids.lowerBound(first), Uuids.v7(last))) {
        assertThat(store.column("SELECT rewind.day_bound($1) <= $3 AND $3 < rewind.day_bound($2)", day,
            day.plusDays(1), inside)).as("%s in %s", inside, day).containsExactly("true");
        assertThat(store.column("SELECT rewind.day_of($1)::text", inside)).containsExactly(day.toString());
      }
      assertThat(store.column("SELECT $1 < rewind.day_bound($2)", Uuids.v7(first.minusMillis(1)), day))
          .containsExactly("true");
    }
  }

  @Test
  void creatingADayMovesItsEventsAndAttemptsOutOfTheDefaultPartition() {
    Instant at = Instant.now().minus(Duration.ofDays(60));
    UUID id = event(at, "early", "pending", null);
    attempt(id);
    assertThat(table("events", id)).isEqualTo("rewind.events_default");

    long created = store.count("SELECT rewind.ensure_partitions($1, $1)", at.atOffset(ZoneOffset.UTC));

    assertThat(created).isEqualTo(1);
    String day = DAY.format(LocalDate.ofInstant(at, ZoneOffset.UTC));
    assertThat(table("events", id)).isEqualTo("rewind.events_p" + day + "_live");
    assertThat(store.column("SELECT tableoid::regclass::text FROM rewind.attempts WHERE event_id = $1", id))
        .containsExactly("rewind.attempts_p" + day + "_live");
    assertThat(store.count("SELECT count(*) FROM rewind.events_default")).isZero();
  }

  @Test
  void aDayOfExpiredEventsIsDroppedWholeAndADayHoldingAnEventToKeepKeepsItWithItsAttempts() {
    store.column("SELECT rewind.ensure_partitions(now() - interval '25 days', now())");
    // 20 days ago: only delivered events past retention, one of them in a finished replay.
    Instant expiredDay = noon(20);
    UUID gone1 = event(expiredDay, "gone-1", "delivered", "19 days");
    UUID gone2 = event(expiredDay.plusSeconds(60), "gone-2", "delivered", "19 days");
    attempt(gone1);
    replayItem(replay("done", "Succeeded"), gone2);
    // Days that each keep one event: pending (held by an open breaker), a dead one younger than dead retention,
    // a delivered one a running replay holds, a failed one waiting for its retry.
    UUID pending = keptBeside(noon(15), "pending", "pending", null);
    store.column("INSERT INTO rewind.breakers (namespace, destination, state, opened_at) VALUES ('default',"
        + " 'http://x:80', 'open', now()) RETURNING state");
    UUID dead = keptBeside(noon(12), "dead", "dead", "11 days");
    UUID replayed = keptBeside(noon(10), "replayed", "delivered", "9 days");
    replayItem(replay("running", "Running"), replayed);
    UUID failed = keptBeside(noon(9), "failed", "failed", null);
    store.column("ANALYZE rewind.events");
    Map<UUID, String> filesBefore = files(pending, dead, replayed, failed);

    long removed = Retention.DEFAULT.apply(store.store.pool()).await().atMost(WAIT);

    assertThat(partition("events", LocalDate.ofInstant(expiredDay, ZoneOffset.UTC))).as("expired day").isFalse();
    assertThat(partition("attempts", LocalDate.ofInstant(expiredDay, ZoneOffset.UTC))).isFalse();
    assertThat(store.count("SELECT count(*) FROM rewind.replay_items WHERE event_id = $1", gone2)).isZero();
    for (UUID kept : new UUID[] {pending, dead, replayed, failed}) {
      LocalDate day = LocalDate.ofInstant(Uuids.instantOf(kept), ZoneOffset.UTC);
      assertThat(partition("events", day)).as("day of %s", kept).isTrue();
      assertThat(store.column("SELECT id::text FROM rewind.events WHERE id >= $1 AND id < $2",
          Uuids.lowerBound(day.atStartOfDay().toInstant(ZoneOffset.UTC)),
          Uuids.lowerBound(day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC))))
          .as("the kept event alone is left of its day").containsExactly(kept.toString());
      assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = $1", kept)).isEqualTo(1);
    }
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE namespace = 'default'"))
        .as("the expired events' attempts went with them").isEqualTo(4);
    assertThat(store.count("SELECT count(*) FROM rewind.replay_items WHERE event_id = $1", replayed)).isOne();
    assertThat(removed).as("2 events of the dropped day, 4 expired beside the kept ones").isEqualTo(6);
    Map<UUID, String> filesAfter = files(pending, dead, replayed, failed);
    filesBefore.forEach((kept, file) -> assertThat(filesAfter.get(kept))
        .as("the day of %s was truncated and its survivor moved back, not its expired rows deleted", kept)
        .isNotEqualTo(file));
  }

  @Test
  void anEventThatDiesMovesWithItsAttemptsToItsDaysDiedLeafAndStaysThereWhenAReplayDeliversIt() {
    UUID id = Uuids.v7(Instant.now());
    String day = DAY.format(LocalDate.ofInstant(Uuids.instantOf(id), ZoneOffset.UTC));
    store.events.append(List.of(new NewEvent(id, "default", "r", 1, "dies", null, null, null, null, null, "POST",
        "http://x/", "", List.of(), "{}".getBytes(StandardCharsets.UTF_8), Instant.now())), List.of(false), "w",
        Duration.ofMinutes(1)).await().atMost(WAIT);
    attempt(id);
    ClaimedEvent claimed = store.events.claimDue("w", "default", List.of("r"), 1, Duration.ofMinutes(1), 1 << 20,
        Duration.ZERO).await().atMost(WAIT).get(0);
    AttemptRecord last = new AttemptRecord(id, 2, AttemptRecord.RETRY, null, null, "w", "http://x/", Instant.now(),
        3.0, 503, null, null, "503", List.of(), new byte[0]);
    assertThat(table("events", id)).isEqualTo("rewind.events_p" + day + "_live");

    store.events.recordOutcomes(List.of(new OutcomeWrite(last, claimed.event().leaseToken(), EventState.DEAD,
        null))).await().atMost(WAIT);

    assertThat(table("events", id)).isEqualTo("rewind.events_p" + day + "_died");
    assertThat(store.column("SELECT tableoid::regclass::text FROM rewind.attempts WHERE event_id = $1"
        + " ORDER BY number", id)).as("the attempt before and the one of the write that killed it")
        .containsExactly("rewind.attempts_p" + day + "_died", "rewind.attempts_p" + day + "_died");

    store.column("UPDATE rewind.events SET state = 'delivered', completed_at = now() WHERE id = $1 RETURNING id",
        id);
    attempt(id);

    assertThat(table("events", id)).as("delivered by a replay: stays").isEqualTo("rewind.events_p" + day + "_died");
    assertThat(store.column("SELECT DISTINCT tableoid::regclass::text FROM rewind.attempts WHERE event_id = $1",
        id)).containsExactly("rewind.attempts_p" + day + "_died");
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = $1", id)).isEqualTo(3);
  }

  @Test
  void aDeadEventWrittenDirectlyMustSayItDied() {
    assertThatThrownBy(() -> store.column("INSERT INTO rewind.events (id, namespace, route, event_id, method, url,"
        + " headers, body, received_at, state, completed_at) VALUES (gen_random_uuid(), 'default', 'r', 'x', 'POST',"
        + " 'http://x/', '[]', '\\x7b7d', now(), 'dead', now()) RETURNING id"))
        .hasMessageContaining("events_died_check");
  }

  @Test
  void aDayPastDeliveredRetentionTruncatesItsLiveLeafAndKeepsItsDeadEventsUntouchedUntilTheirsEnds() {
    Instant at = noon(10);
    store.column("SELECT rewind.ensure_partitions($1, $1)", at.atOffset(ZoneOffset.UTC));
    List<UUID> delivered = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      UUID id = event(at.plusMillis(i), "delivered-" + i, "delivered", "8 days");
      attempt(id);
      delivered.add(id);
    }
    List<UUID> dead = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      UUID id = event(at.plusSeconds(60).plusMillis(i), "dead-" + i, "failed", null);
      attempt(id);
      attempt(id);
      store.column("UPDATE rewind.events SET state = 'dead', completed_at = now() - interval '9 days'"
          + " WHERE id = $1 RETURNING id", id);
      dead.add(id);
    }
    // Died, then delivered by a replay a moment ago: in the died leaf, kept as long as a delivered event.
    UUID revived = event(at.plusSeconds(120), "revived", "failed", null);
    attempt(revived);
    store.column("UPDATE rewind.events SET state = 'dead', completed_at = now() - interval '9 days'"
        + " WHERE id = $1 RETURNING id", revived);
    store.column("UPDATE rewind.events SET state = 'delivered', completed_at = now() WHERE id = $1 RETURNING id",
        revived);
    store.column("ANALYZE rewind.events");
    Map<UUID, String> liveBefore = files(delivered.get(0));
    Map<UUID, String> diedBefore = files("died", dead.get(0));

    long removed = Retention.DEFAULT.apply(store.store.pool()).await().atMost(WAIT);

    assertThat(removed).as("the delivered events, by the statistics").isEqualTo(30);
    assertThat(files(delivered.get(0))).as("the live leaf was truncated").isNotEqualTo(liveBefore);
    assertThat(files("died", dead.get(0))).as("the died leaf was not touched").isEqualTo(diedBefore);
    for (UUID id : delivered) {
      assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = $1", id)).isZero();
    }
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = ANY ($1)",
        (Object) delivered.toArray(UUID[]::new))).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = ANY ($1)",
        (Object) dead.toArray(UUID[]::new))).isEqualTo(5);
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = ANY ($1)",
        (Object) dead.toArray(UUID[]::new))).isEqualTo(10);

    // Dead events kept 8 days: this day is past both retentions, and its died leaf keeps the revived event alone.
    store.column("ANALYZE rewind.events");
    long removedLater = new Retention(Duration.ofDays(7), Duration.ofDays(8)).apply(store.store.pool())
        .await().atMost(WAIT);

    assertThat(removedLater).isEqualTo(5);
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = ANY ($1)",
        (Object) dead.toArray(UUID[]::new))).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = ANY ($1)",
        (Object) dead.toArray(UUID[]::new))).isZero();
    assertThat(table("events", revived)).isEqualTo("rewind.events_p"
        + DAY.format(LocalDate.ofInstant(at, ZoneOffset.UTC)) + "_died");
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = $1", revived)).isOne();
    assertThat(files("died", dead.get(0))).as("the died leaf was compacted (a new file)").isNotEqualTo(diedBefore);
  }

  @Test
  void aDayWithMoreSurvivorsThanACompactionMovesKeepsThemAndLosesItsExpiredRowsInBatches() {
    Instant at = noon(10);
    store.column("SELECT rewind.ensure_partitions($1, $1)", at.atOffset(ZoneOffset.UTC));
    UUID expired = event(at, "expired", "delivered", "8 days");
    attempt(expired);
    // Ids of the same millisecond as the expired event's, so all of them are of its day.
    String prefix = Uuids.v7(at).toString().substring(0, 19);
    store.column("INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body,"
        + " received_at, state, next_attempt_at) SELECT ($1 || '8000-' || lpad(to_hex(i), 12, '0'))::uuid,"
        + " 'default', 'r', 'p-' || i, 'POST', 'http://x/', '[]', '\\x7b7d', now(), 'pending', now()"
        + " FROM generate_series(1, $2) i", prefix, Retention.MOVED_AT_MOST + 1);
    Map<UUID, String> before = files(expired);

    long removed = Retention.DEFAULT.apply(store.store.pool()).await().atMost(WAIT);

    assertThat(removed).isOne();
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = $1", expired)).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.attempts WHERE event_id = $1", expired)).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE state = 'pending'"))
        .isEqualTo(Retention.MOVED_AT_MOST + 1);
    assertThat(files(expired)).as("the day was not truncated").isEqualTo(before);
  }

  // Events of a day at its noon (UTC), so that a minute later is the same day whenever the test runs.
  private static Instant noon(int daysAgo) {
    return LocalDate.now(ZoneOffset.UTC).minusDays(daysAgo).atTime(12, 0).toInstant(ZoneOffset.UTC);
  }

  /** A day holding one event to keep, beside an expired delivered one; both with an attempt. */
  private UUID keptBeside(Instant at, String eventId, String state, String completedAgo) {
    UUID expired = event(at, eventId + "-expired", "delivered", "8 days");
    attempt(expired);
    UUID kept = event(at.plusSeconds(60), eventId, state, completedAgo);
    attempt(kept);
    return kept;
  }

  private UUID event(Instant at, String eventId, String state, String completedAgo) {
    UUID id = Uuids.v7(at);
    store.column("INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body,"
        + " received_at, state, next_attempt_at, completed_at, died) VALUES ($1, 'default', 'r', $2, 'POST',"
        + " 'http://x/', '[]', '\\x7b7d', $3, $4, CASE WHEN $4 IN ('pending', 'failed') THEN now() END,"
        + " CASE WHEN $5::text IS NULL THEN NULL ELSE now() - $5::interval END, $4 = 'dead') RETURNING id",
        id, eventId, at.atOffset(ZoneOffset.UTC), state, completedAgo);
    return id;
  }

  // Numbered after the event's attempts so far, in its leaf, as the journal's own writes do.
  private void attempt(UUID eventId) {
    store.column("INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination,"
        + " started_at, duration_ms, outcome, event_died) SELECT e.id, 'default', 1 + (SELECT count(*)"
        + " FROM rewind.attempts a WHERE a.event_id = e.id), 'initial', 'w', 'http://x/', now(), 1, '503', e.died"
        + " FROM rewind.events e WHERE e.id = $1 RETURNING number", eventId);
  }

  private UUID replay(String name, String phase) {
    UUID id = UUID.randomUUID();
    store.column("INSERT INTO rewind.replays (id, namespace, name, spec, phase) VALUES ($1, 'default', $2, '{}', $3)"
        + " RETURNING id", id, name, phase);
    return id;
  }

  private void replayItem(UUID replay, UUID event) {
    store.column("INSERT INTO rewind.replay_items (replay_id, event_id, state) VALUES ($1, $2, 'pending')"
        + " RETURNING event_id", replay, event);
  }

  /** The data file of the live leaf of each event's day: a truncated leaf gets a new one. */
  private Map<UUID, String> files(UUID... events) {
    return files("live", events);
  }

  private Map<UUID, String> files(String leaf, UUID... events) {
    Map<UUID, String> files = new HashMap<>();
    for (UUID id : events) {
      String day = DAY.format(LocalDate.ofInstant(Uuids.instantOf(id), ZoneOffset.UTC));
      files.put(id, store.column("SELECT pg_relation_filenode($1::regclass)::text",
          "rewind.events_p" + day + "_" + leaf).get(0));
    }
    return files;
  }

  private boolean partition(String table, LocalDate day) {
    return store.column("SELECT to_regclass($1)::text", "rewind." + table + "_p" + DAY.format(day)).get(0) != null;
  }

  private String table(String table, UUID id) {
    return store.column("SELECT tableoid::regclass::text FROM rewind." + table + " WHERE id = $1", id).get(0);
  }
}
