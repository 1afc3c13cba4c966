package dev.rewind.journal.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what the journal no longer needs: delivered events (with their attempts) some days after delivery, dead
 * events much later, since they are what a replay is for. Pending, failed and in-flight events are never
 * removed, nor any event a running replay still holds. Run it periodically from one process (the operator's leader
 * in a cluster, the sidecar standalone).
 *
 * <p>The journal is partitioned by capture day (V7__partitioned_journal.sql). Each run first creates the day
 * partitions of the coming days ({@link #AHEAD}), so capture never waits on one. Then, for each day that ended
 * before the shorter retention began: a day whose every event is past retention is dropped whole with its attempts
 * (a catalog operation, whatever its size); a day that still holds events to keep (to deliver, dead and younger
 * than their retention, held by a replay) has them moved instead: copied aside with their attempts, the day's
 * partitions truncated, the survivors put back, at a cost proportional to the survivors, not to the day. A day
 * with more than {@link #MOVED_AT_MOST} survivors (the day stays locked while they move) keeps them where they are,
 * and its expired rows go like the default partition's: deleted in small batches through the
 * {@code events_completed} index, one partition at a time. A day goes once all of it is past the shorter retention,
 * so an event may outlive its retention by up to a day.
 *
 * <p>Senders (a pod's workload and labels, for traces) are forgotten once their pod has not been seen for longer
 * than completed events are kept: by then the events it sent have, as a rule, gone too. Running sidecars refresh
 * theirs every {@link #SENDER_REFRESH}.
 *
 * @param delivered how long delivered events are kept after delivery
 * @param dead how long dead events are kept after they died
 */
public record Retention(Duration delivered, Duration dead) {

  public static final Retention DEFAULT = new Retention(Duration.ofDays(7), Duration.ofDays(30));

  /** How often a running sidecar tells the journal it is still there; far below any retention period. */
  public static final Duration SENDER_REFRESH = Duration.ofHours(1);

  /**
   * How far ahead day partitions are created at each run: two days, so that a leader that stops running retention
   * leaves capture a day or more before events land in the default partition.
   */
  public static final Duration AHEAD = Duration.ofDays(2);

  /**
   * The most survivors a day's compaction moves. Capture waits while a day is locked (its generic plan locks every
   * partition), and moving ten thousand events with their attempts takes a fraction of a second.
   */
  public static final int MOVED_AT_MOST = 10_000;

  private static final int BATCH = 5_000;

  // Per partition of events: through the partitioned table the batch would be joined to every partition (V7).
  private static final String TRIM = "SELECT rewind.trim_partition($1, $2, $3 * interval '1 millisecond', $4) AS n";

  private static final String EXPIRED_DAYS =
      "SELECT d AS day FROM rewind.expired_days($1 * interval '1 millisecond') d";

  private static final String DROP_DAY = "SELECT rewind.drop_day($1, $2 * interval '1 millisecond',"
      + " $3 * interval '1 millisecond') AS n";

  private static final String COMPACT_DAY = "SELECT rewind.compact_day($1, $2 * interval '1 millisecond',"
      + " $3 * interval '1 millisecond', $4) AS n";

  /**
   * Drops or compacts the days all past the shorter retention, trims the days too full of survivors to compact and
   * the default partition, and forgets senders unseen for long; returns how many events went (for a dropped or
   * compacted day, from the count PostgreSQL's statistics hold for its partition: counting it would read it).
   */
  public Uni<Long> apply(Pool pool) {
    return Partitions.ensureAhead(pool)
        .chain(() -> expiredDays(pool))
        .chain(n -> trim(pool, "events_default").map(t -> n + t))
        .call(() -> new Senders(pool).forgetUnseenFor(longest().plus(SENDER_REFRESH)));
  }

  private Duration longest() {
    return delivered.compareTo(dead) >= 0 ? delivered : dead;
  }

  private Duration shortest() {
    return delivered.compareTo(dead) <= 0 ? delivered : dead;
  }

  // One statement per day and step, each its own transaction: a lock taken for a day is held for that day only.
  private Uni<Long> expiredDays(Pool pool) {
    return pool.preparedQuery(EXPIRED_DAYS).execute(Tuple.of(shortest().toMillis())).chain(rows -> {
      List<LocalDate> days = new ArrayList<>();
      rows.forEach(r -> days.add(r.getLocalDate("day")));
      Uni<Long> total = Uni.createFrom().item(0L);
      for (LocalDate day : days) {
        total = total.chain(soFar -> expiredDay(pool, day).map(n -> soFar + n));
      }
      return total;
    });
  }

  private Uni<Long> expiredDay(Pool pool, LocalDate day) {
    return pool.preparedQuery(DROP_DAY).execute(Tuple.of(day, delivered.toMillis(), dead.toMillis()))
        .map(Retention::count)
        .chain(dropped -> dropped >= 0 ? Uni.createFrom().item(dropped) : pool.preparedQuery(COMPACT_DAY)
            .execute(Tuple.of(day, delivered.toMillis(), dead.toMillis(), MOVED_AT_MOST)).map(Retention::count))
        .chain(compacted -> compacted >= 0 ? Uni.createFrom().item(compacted)
            : trim(pool, "events_p" + DateTimeFormatter.BASIC_ISO_DATE.format(day)));
  }

  private Uni<Long> trim(Pool pool, String partition) {
    return trim(pool, partition, "delivered", delivered, 0L)
        .chain(n -> trim(pool, partition, "dead", dead, n));
  }

  private Uni<Long> trim(Pool pool, String partition, String state, Duration age, long soFar) {
    return pool.preparedQuery(TRIM).execute(Tuple.of(partition, state, age.toMillis(), BATCH))
        .map(Retention::count)
        .chain(deleted -> deleted < BATCH
            ? Uni.createFrom().item(soFar + deleted)
            : trim(pool, partition, state, age, soFar + deleted));
  }

  private static long count(RowSet<Row> rows) {
    return rows.iterator().next().getLong("n");
  }
}
