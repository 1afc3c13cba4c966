package dev.rewind.console.read;

import dev.rewind.console.plot.MinuteSeries;
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
 * statements whose cost follows the window's traffic and the backlog, not the journal's size:
 *
 * <ul>
 *   <li>delivered and dead: events that completed in the window, through {@code events_completed} (completed_at);
 *   <li>failed: failed attempts started in the window. Only an event attempted in the window can have one, and such
 *       an event is either still waiting (the backlog, through the partial index {@code events_due}) or completed
 *       in the window; of those, only the ones with a failure (attempted but waiting, dead, or delivered after more
 *       than one attempt) are looked up in the attempts, by their primary key. A delivered event's first and only
 *       attempt, nearly all of a window's traffic, is never read. Not counted: a replay's failed attempt on an
 *       event that completed before the window (a failed replay attempt leaves the event's completion time as it
 *       was); the replays page counts those.
 * </ul>
 */
public final class MinuteCounts {

  private static final String COMPLETED = """
      SELECT date_trunc('minute', completed_at) AS minute, state, count(*) AS n
        FROM rewind.events
       WHERE completed_at >= $2 AND completed_at < $3 AND namespace = $1 AND state IN ('delivered', 'dead')
       GROUP BY 1, 2
      """;
  // The failed events' ids are gathered first (an InitPlan) and looked up by the attempts' primary key: joined
  // instead, the planner may hash the whole attempts table, a cost that grows with the journal.
  private static final String FAILED = """
      SELECT date_trunc('minute', a.started_at) AS minute, count(*) AS n
        FROM rewind.attempts a
       WHERE a.event_id = ANY (ARRAY(
               SELECT id FROM rewind.events
                WHERE namespace = $1 AND state IN ('pending', 'delivering', 'failed') AND attempts > 0
               UNION ALL
               SELECT id FROM rewind.events
                WHERE completed_at >= $2 AND namespace = $1
                  AND (state = 'dead' OR (state = 'delivered' AND attempts > 1))))
         AND a.started_at >= $2 AND a.started_at < $3 AND a.outcome <> 'delivered'
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
      return pool.preparedQuery(FAILED).execute(window).map(rows -> {
        Map<Instant, Long> failed = new HashMap<>();
        for (Row r : rows) {
          failed.merge(r.getOffsetDateTime("minute").toInstant(), r.getLong("n"), Long::sum);
        }
        return MinuteSeries.of(now, span, delivered, failed, dead);
      });
    });
  }
}
