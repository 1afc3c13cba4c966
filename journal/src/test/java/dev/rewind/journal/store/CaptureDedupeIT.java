package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.testing.TestStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deduplication of source event ids on the day-partitioned journal (V7): unique per day partition, and recognised
 * across the day boundary for {@link DedupeWindow#LENGTH}; past it, the same id is journaled again.
 */
class CaptureDedupeIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
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
  void anEventSentAgainAfterMidnightIsRecognisedInThePreviousDaysPartition() {
    Instant beforeMidnight = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofMinutes(1));
    UUID first = append(event(Uuids.v7(beforeMidnight), "across-midnight", "{}")).id();
    assertThat(store.column("SELECT tableoid::regclass::text FROM rewind.events WHERE id = $1", first))
        .as("yesterday's partition").containsExactly("rewind.events_p"
            + DateTimeFormatter.ofPattern("yyyyMMdd").format(beforeMidnight.atOffset(ZoneOffset.UTC)) + "_live");

    Appended again = append(event(Uuids.v7(Instant.now()), "across-midnight", "{}"));
    Appended different = append(event(Uuids.v7(Instant.now()), "across-midnight", "{\"other\":1}"));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.id()).isEqualTo(first);
    assertThat(different.refused()).as("a different event under the same id is refused, not dropped").isTrue();
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE event_id = 'across-midnight'")).isOne();
  }

  @Test
  void anEventSentAgainPastTheWindowIsJournaledAgain() {
    Instant longAgo = Instant.now().minus(DedupeWindow.LENGTH).minus(Duration.ofDays(2));
    store.column("SELECT rewind.ensure_partitions($1, $1)", Rows.offset(longAgo));
    UUID first = append(event(Uuids.v7(longAgo), "past-window", "{}")).id();

    Appended again = append(event(Uuids.v7(Instant.now()), "past-window", "{}"));

    assertThat(again.duplicate()).isFalse();
    assertThat(again.id()).isNotEqualTo(first);
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE event_id = 'past-window'")).isEqualTo(2);
  }

  @Test
  void anEventThatDiedIsStillRecognisedWhenSentAgainAndItsIdIsNotTakenByAnotherEvent() {
    UUID first = append(event(Uuids.v7(Instant.now()), "died-then-resent", "{}")).id();
    store.column("UPDATE rewind.events SET state = 'dead', completed_at = now() WHERE id = $1 RETURNING id", first);
    assertThat(store.column("SELECT died::text FROM rewind.events WHERE id = $1", first)).containsExactly("true");

    Appended again = append(event(Uuids.v7(Instant.now()), "died-then-resent", "{}"));
    // The same Rewind id (as Rewind-Capture-Id would carry it), under another source id.
    Appended sameRewindId = append(event(first, "another-source-id", "{}"));

    assertThat(again.duplicate()).as("found in today's died leaf").isTrue();
    assertThat(again.id()).isEqualTo(first);
    assertThat(sameRewindId.refused()).isTrue();
    assertThat(store.count("SELECT count(*) FROM rewind.events WHERE id = $1", first)).isOne();
  }

  private static Appended append(NewEvent event) {
    return store.events.append(List.of(event), List.of(false), "w", Duration.ofMinutes(1)).await().atMost(WAIT)
        .get(0);
  }

  private static NewEvent event(UUID id, String sourceId, String body) {
    return new NewEvent(id, "default", "dedupe", 1, sourceId, "urn:shop", null, "order.created", "erp", "erp-0",
        "POST", "http://x/", "", List.of(), body.getBytes(StandardCharsets.UTF_8), Uuids.instantOf(id));
  }
}
