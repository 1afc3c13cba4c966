package dev.rewind.journal.health;

import dev.rewind.journal.delivery.BreakerStateMachine;
import dev.rewind.journal.store.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every route's {@link RouteHealth} in one grouped query, whatever the number of routes or events: the operator's
 * leader runs it once per refresh interval, {@code rewind status} once. What it reads is bounded by what needs
 * attention, not by the journal's size:
 *
 * <ul>
 *   <li>the backlog (pending, delivering, failed) through the partial index {@code events_due};
 *   <li>the dead through the partial index {@code events_dead} (index only; the latest per route is its last
 *       entry);
 *   <li>recent deliveries through {@code events_completed}, from the window's start: as many rows as were
 *       delivered in the window.
 * </ul>
 *
 * Delivered events outside the window, which are nearly all of a journal, are never read. The routes come from the
 * published routes plus any route that still has events, so a deleted Route's dead events stay visible.
 *
 * <p>Then the circuits: the breakers not closed or held (a small table, usually none such); only when there are
 * some, the published routes' destinations, to tell which routes they hold.
 */
public final class RouteHealthQuery {

  private static final String SQL = """
      WITH backlog AS (
        SELECT namespace, route,
               count(*) FILTER (WHERE state = 'pending') AS pending,
               count(*) FILTER (WHERE state = 'delivering') AS delivering,
               count(*) FILTER (WHERE state = 'failed') AS failed,
               min(received_at) AS oldest
          FROM rewind.events
         WHERE state IN ('pending', 'delivering', 'failed') AND ($1::text[] IS NULL OR namespace = ANY($1))
         GROUP BY namespace, route),
      backlog_failure AS (
        SELECT DISTINCT ON (namespace, route) namespace, route, last_outcome, last_attempt_at
          FROM rewind.events
         WHERE state IN ('pending', 'delivering', 'failed') AND attempts > 0 AND last_outcome IS NOT NULL
           AND last_attempt_at IS NOT NULL AND ($1::text[] IS NULL OR namespace = ANY($1))
         ORDER BY namespace, route, last_attempt_at DESC),
      dead AS (
        SELECT namespace, route, count(*) AS dead, count(*) FILTER (WHERE completed_at >= $2) AS dead_since
          FROM rewind.events
         WHERE state = 'dead' AND ($1::text[] IS NULL OR namespace = ANY($1))
         GROUP BY namespace, route),
      dead_failure AS (
        SELECT d.namespace, d.route, l.last_outcome, l.last_attempt_at
          FROM dead d
         CROSS JOIN LATERAL (
               SELECT e.last_outcome, COALESCE(e.last_attempt_at, e.completed_at) AS last_attempt_at
                 FROM rewind.events e
                WHERE e.namespace = d.namespace AND e.route = d.route AND e.state = 'dead'
                ORDER BY e.completed_at DESC LIMIT 1) l),
      delivered AS (
        SELECT namespace, route, count(*) AS delivered, max(completed_at) AS last_delivered
          FROM rewind.events
         WHERE completed_at >= $2 AND state = 'delivered' AND ($1::text[] IS NULL OR namespace = ANY($1))
         GROUP BY namespace, route),
      routes AS (
        SELECT namespace, name AS route FROM rewind.routes WHERE $1::text[] IS NULL OR namespace = ANY($1)
        UNION SELECT namespace, route FROM backlog
        UNION SELECT namespace, route FROM dead
        UNION SELECT namespace, route FROM delivered)
      SELECT r.namespace, r.route,
             COALESCE(b.pending, 0) AS pending, COALESCE(b.delivering, 0) AS delivering,
             COALESCE(b.failed, 0) AS failed, b.oldest,
             COALESCE(d.dead, 0) AS dead, COALESCE(d.dead_since, 0) AS dead_since,
             COALESCE(v.delivered, 0) AS delivered, v.last_delivered,
             bf.last_outcome AS backlog_outcome, bf.last_attempt_at AS backlog_failed_at,
             df.last_outcome AS dead_outcome, df.last_attempt_at AS dead_failed_at
        FROM routes r
        LEFT JOIN backlog b USING (namespace, route)
        LEFT JOIN backlog_failure bf USING (namespace, route)
        LEFT JOIN dead d USING (namespace, route)
        LEFT JOIN dead_failure df USING (namespace, route)
        LEFT JOIN delivered v USING (namespace, route)
       ORDER BY r.namespace, r.route
      """;

  /** Breakers worth showing: not closed, or held. Few rows; usually none. */
  private static final String CIRCUITS = """
      SELECT namespace, destination, state, opened_at, changed_at, hold_reason FROM rewind.breakers
       WHERE (state <> 'closed' OR hold_reason IS NOT NULL) AND ($1::text[] IS NULL OR namespace = ANY($1))
      """;

  /**
   * The published routes' destination URLs and whether they are paused (one row per route: a small table, read
   * once per refresh).
   */
  private static final String DESTINATIONS = """
      SELECT namespace, name, spec->'route'->'destination'->>'url' AS url,
             coalesce((spec->'route'->>'paused')::boolean, false) AS paused, published_at
        FROM rewind.routes
       WHERE $1::text[] IS NULL OR namespace = ANY($1)
      """;

  private final Pool pool;

  public RouteHealthQuery(Pool pool) {
    this.pool = pool;
  }

  /** The statement ($1 the namespaces or null, $2 the window's start), for EXPLAIN in benchmarks. */
  public static String sql() {
    return SQL;
  }

  /**
   * The health of every route of {@code namespaces} (all when empty), as of {@code now}.
   *
   * @param since the window's start: {@code deadSince} and {@code deliveredSince} count from it
   */
  public Uni<List<RouteHealth>> read(Collection<String> namespaces, Instant since, Instant now) {
    String[] filter = namespaces.isEmpty() ? null : namespaces.toArray(String[]::new);
    return pool.preparedQuery(SQL)
        .execute(Tuple.of(filter, since.atOffset(ZoneOffset.UTC)))
        .map(rows -> health(rows, since, now))
        .chain(health -> circuits(filter).map(circuits -> {
          if (circuits.isEmpty()) {
            return health;
          }
          return health.stream().map(h -> {
            RouteHealth.Circuit c = circuits.get(h.key());
            return c == null ? h : h.withCircuit(c);
          }).toList();
        }));
  }

  /**
   * namespace/route → what holds its events: the route paused (since it was published so), else its destination's
   * circuit when its breaker is worth showing.
   */
  private Uni<Map<String, RouteHealth.Circuit>> circuits(String[] filter) {
    return pool.preparedQuery(CIRCUITS).execute(Tuple.of((Object) filter)).chain(rows -> {
      Map<String, RouteHealth.Circuit> byDestination = new HashMap<>();
      for (Row r : rows) {
        String hold = r.getString("hold_reason");
        // A namespace's breaker holds only that namespace's routes (V6__tenant_isolation.sql).
        byDestination.put(r.getString("namespace") + " " + r.getString("destination"), hold != null
            ? new RouteHealth.Circuit(RouteHealth.Circuit.HELD, Rows.instant(r, "changed_at"), hold)
            : new RouteHealth.Circuit(r.getString("state"), Rows.instant(r, "opened_at"), null));
      }
      return pool.preparedQuery(DESTINATIONS).execute(Tuple.of((Object) filter)).map(routes -> {
        Map<String, RouteHealth.Circuit> byRoute = new HashMap<>();
        for (Row r : routes) {
          String url = r.getString("url");
          RouteHealth.Circuit c = Boolean.TRUE.equals(r.getBoolean("paused"))
              ? new RouteHealth.Circuit(RouteHealth.Circuit.PAUSED, Rows.instant(r, "published_at"), null)
              : url == null ? null : byDestination.get(r.getString("namespace") + " " + BreakerStateMachine.key(url));
          if (c != null) {
            byRoute.put(r.getString("namespace") + "/" + r.getString("name"), c);
          }
        }
        return byRoute;
      });
    });
  }

  private static List<RouteHealth> health(RowSet<Row> rows, Instant since, Instant now) {
    List<RouteHealth> result = new ArrayList<>(rows.size());
    for (Row row : rows) {
      result.add(new RouteHealth(row.getString("namespace"), row.getString("route"),
          row.getLong("pending"), row.getLong("delivering"), row.getLong("failed"), row.getLong("dead"),
          row.getLong("dead_since"), row.getLong("delivered"), Rows.instant(row, "last_delivered"), Rows.instant(row, "oldest"),
          latest(failure(row, "backlog_outcome", "backlog_failed_at"), failure(row, "dead_outcome", "dead_failed_at")),
          now, since));
    }
    return result;
  }

  private static RouteHealth.Failure failure(Row row, String outcome, String at) {
    String value = row.getString(outcome);
    Instant when = Rows.instant(row, at);
    return value == null || when == null ? null : RouteHealth.Failure.of(value, when);
  }

  private static RouteHealth.Failure latest(RouteHealth.Failure a, RouteHealth.Failure b) {
    if (a == null) {
      return b;
    }
    return b == null || !b.at().isAfter(a.at()) ? a : b;
  }
}
