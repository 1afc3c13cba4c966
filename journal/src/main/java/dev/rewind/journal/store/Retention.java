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
 * <p>The journal is partitioned by capture day (V7__partitioned_journal.sql), each day split in two leaves: the
 * events that never died, and those that did (V8__died_events_apart.sql; an event moves there when it dies). Each
 * run first creates the day partitions of the coming days ({@link #AHEAD}), so capture never waits on one. Then, for
 * each day that ended before the shorter retention began: a day whose every event is past retention is dropped
 * whole with its attempts (a catalog operation, whatever its size). A day that still holds events to keep has its
 * live leaf emptied instead: truncated when all of it is past retention (the usual case: what a day keeps past the
 * delivered events' retention is its dead events, in the other leaf), else compacted (its survivors copied aside
 * with their attempts, the leaf truncated, the survivors put back: the cost of the survivors, not of the day). A
 * leaf with more than {@link #MOVED_AT_MOST} survivors (it stays locked while they move) keeps them where they are,
 * and its expired rows go like the default partition's: deleted in small batches through the
 * {@code events_completed} index. The died leaf is handled the same way once the day is past the longer retention
 * too (it holds dead events, and the ones replays delivered since). A day goes once all of it is past the shorter
 * retention, so an event may outlive its retention by up to a day.
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
   * The most survivors a leaf's compaction moves. Capture waits while a leaf is locked (its generic plan locks every
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

  private static final String COMPACT_LEAF = "SELECT rewind.compact_leaf($1, $2, $3 * interval '1 millisecond',"
      + " $4 * interval '1 millisecond', $5) AS n";

  /**
   * Drops the days all past the shorter retention, or empties their leaves of what is past it (see above), trims the
   * default partition, and forgets senders unseen for long; returns how many events went (for a dropped day or an
   * emptied leaf, from the count PostgreSQL's statistics hold for it: counting it would read it).
   */
  public Uni<Long> apply(Pool pool) {
    return Partitions.ensureAhead(pool)
        .chain(() -> expiredDays(pool, shortest()))
        .chain(shorter -> expiredDays(pool, longest()).chain(longer -> {
          Uni<Long> total = Uni.createFrom().item(0L);
          for (LocalDate day : shorter) {
            boolean pastBoth = longer.contains(day);
            total = total.chain(soFar -> expiredDay(pool, day, pastBoth).map(n -> soFar + n));
          }
          return total;
        }))
        .chain(n -> trim(pool, "events_default").map(t -> n + t))
        .call(() -> new Senders(pool).forgetUnseenFor(longest().plus(SENDER_REFRESH)));
  }

  private Duration longest() {
    return delivered.compareTo(dead) >= 0 ? delivered : dead;
  }

  private Duration shortest() {
    return delivered.compareTo(dead) <= 0 ? delivered : dead;
  }

  private static Uni<List<LocalDate>> expiredDays(Pool pool, Duration retention) {
    return pool.preparedQuery(EXPIRED_DAYS).execute(Tuple.of(retention.toMillis())).map(rows -> {
      List<LocalDate> days = new ArrayList<>();
      rows.forEach(r -> days.add(r.getLocalDate("day")));
      return days;
    });
  }

  // One statement per day, leaf and step, each its own transaction: a lock taken is held for that step only. The
  // died leaf of a day only past the shorter retention is left alone: its dead events are all still kept, unless
  // dead events are the shorter-lived kind, in which case the live leaf is the one left for later.
  private Uni<Long> expiredDay(Pool pool, LocalDate day, boolean pastBoth) {
    String keptLonger = dead.compareTo(delivered) >= 0 ? "died" : "live";
    String keptShorter = keptLonger.equals("died") ? "live" : "died";
    return pool.preparedQuery(DROP_DAY).execute(Tuple.of(day, delivered.toMillis(), dead.toMillis()))
        .map(Retention::count)
        .chain(dropped -> dropped >= 0 ? Uni.createFrom().item(dropped)
            : emptyLeaf(pool, day, keptShorter)
                .chain(n -> pastBoth ? emptyLeaf(pool, day, keptLonger).map(m -> n + m) : Uni.createFrom().item(n)));
  }

  private Uni<Long> emptyLeaf(Pool pool, LocalDate day, String leaf) {
    return pool.preparedQuery(COMPACT_LEAF)
        .execute(Tuple.of(day, leaf, delivered.toMillis(), dead.toMillis(), MOVED_AT_MOST))
        .map(Retention::count)
        .chain(compacted -> compacted >= 0 ? Uni.createFrom().item(compacted)
            : trim(pool, "events_p" + DateTimeFormatter.BASIC_ISO_DATE.format(day) + "_" + leaf));
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
