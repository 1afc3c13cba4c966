package dev.rewind.console.read;

import dev.rewind.console.plot.MinuteSeries;
import dev.rewind.journal.store.Uuids;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * A namespace's delivered, failed and dead counts per minute over a window, for the routes page's plot. Two grouped
 * statements whose cost follows the window's traffic, not the journal's size:
 *
 * <ul>
 *   <li>delivered and dead: events that completed in the window, through {@code events_completed} (completed_at);
 *   <li>failed: failed attempts started in the window, read through the attempts' primary key from the first event
 *       id of {@link #LOOKBACK} before the window (ids are UUIDv7, so that is a range of the key). A failed retry
 *       of an event captured longer ago than that is not counted; retry policies give up well within it.
 * </ul>
 */
public final class MinuteCounts {

  /** How far before the window the events whose failed attempts are counted may have been captured. */
  public static final Duration LOOKBACK = Duration.ofHours(24);

  private static final String COMPLETED = """
      SELECT date_trunc('minute', completed_at) AS minute, state, count(*) AS n
        FROM rewind.events
       WHERE completed_at >= $2 AND completed_at < $3 AND namespace = $1 AND state IN ('delivered', 'dead')
       GROUP BY 1, 2
      """;
  private static final String FAILED = """
      SELECT date_trunc('minute', started_at) AS minute, count(*) AS n
        FROM rewind.attempts
       WHERE event_id >= $4 AND started_at >= $2 AND started_at < $3 AND namespace = $1 AND outcome <> 'delivered'
       GROUP BY 1
      """;

  private final Pool pool;

  public MinuteCounts(Pool pool) {
    this.pool = pool;
  }

  /** The statements, for EXPLAIN in the benchmark. */
  public static String completedSql() {
    return COMPLETED;
  }

  public static String failedSql() {
    return FAILED;
  }

  /** The last {@code span} (whole minutes, the current one included) before {@code now}. */
  public Uni<MinuteSeries> read(String namespace, Duration span, Instant now) {
    Instant end = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    Instant start = end.minus(Duration.ofMinutes(Math.max(1, span.toMinutes())));
    Tuple window = Tuple.of(namespace, start.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC));
    return pool.preparedQuery(COMPLETED).execute(window).chain(completed -> {
      Map<Instant, Long> delivered = new HashMap<>();
      Map<Instant, Long> dead = new HashMap<>();
      for (Row r : completed) {
        Instant minute = r.getOffsetDateTime("minute").toInstant();
        ("dead".equals(r.getString("state")) ? dead : delivered).merge(minute, r.getLong("n"), Long::sum);
      }
      Tuple failedWindow = Tuple.of(namespace, start.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC),
          Uuids.lowerBound(start.minus(LOOKBACK)));
      return pool.preparedQuery(FAILED).execute(failedWindow).map(rows -> {
        Map<Instant, Long> failed = new HashMap<>();
        for (Row r : rows) {
          failed.merge(r.getOffsetDateTime("minute").toInstant(), r.getLong("n"), Long::sum);
        }
        return MinuteSeries.of(now, span, delivered, failed, dead);
      });
    });
  }
}
