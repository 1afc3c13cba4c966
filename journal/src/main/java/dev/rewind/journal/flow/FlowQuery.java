package dev.rewind.journal.flow;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.store.Rows;
import dev.rewind.journal.store.Uuids;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of a flow's orders, read from the journal in one statement: the correlation ids that entered the first
 * hop within the lookback (an id range, ids being time-ordered), then each of those orders' events on every hop —
 * also an id range, since an order reaches a later hop after it entered the first: what is read follows the
 * lookback, not the journal's size (bench/flow.sh prints the plan). Every order of the lookback is evaluated again
 * at each call.
 */
public final class FlowQuery {

  private static final String SQL = """
      WITH hops AS (
        SELECT h.namespace, h.route, (h.ord - 1)::int AS hop
          FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS h(namespace, route, ord)),
      entered AS (
        SELECT DISTINCT correlation_id
          FROM rewind.events
         WHERE namespace = $1[1] AND route = $2[1] AND id >= $3 AND correlation_id IS NOT NULL)
      SELECT e.correlation_id, h.hop, e.state, e.received_at, e.completed_at
        FROM entered n
        JOIN hops h ON true
        JOIN rewind.events e ON e.namespace = h.namespace AND e.correlation_id = n.correlation_id
                            AND e.route = h.route AND e.id >= $4
       ORDER BY e.correlation_id
      """;

  /**
   * How much earlier than the lookback a later hop's event may carry an id: ids come from each sidecar's clock, and
   * two sidecars' clocks may disagree. Far more than NTP-synchronised nodes drift.
   */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private final Pool pool;

  public FlowQuery(Pool pool) {
    this.pool = pool;
  }

  /**
   * The statement ($1 the hops' namespaces, $2 their routes, $3 the lookback's lowest id, $4 that less
   * {@link #CLOCK_SKEW}), for EXPLAIN.
   */
  public static String sql() {
    return SQL;
  }

  /** Each order (correlation id) that entered the flow within its lookback, with its events on the flow's hops. */
  public Uni<Map<String, List<HopEvent>>> orders(FlowHops flow, Instant now) {
    String[] namespaces = flow.hops().stream().map(FlowHops.Hop::namespace).toArray(String[]::new);
    String[] routes = flow.hops().stream().map(FlowHops.Hop::route).toArray(String[]::new);
    return pool.preparedQuery(SQL)
        .execute(Tuple.of(namespaces, routes, Uuids.lowerBound(now.minus(flow.lookback())),
            Uuids.lowerBound(now.minus(flow.lookback()).minus(CLOCK_SKEW))))
        .map(rows -> {
          Map<String, List<HopEvent>> orders = new LinkedHashMap<>();
          for (Row row : rows) {
            orders.computeIfAbsent(row.getString("correlation_id"), k -> new ArrayList<>())
                .add(new HopEvent(row.getInteger("hop"), EventState.fromWire(row.getString("state")),
                    Rows.instant(row, "received_at"), Rows.instant(row, "completed_at")));
          }
          return orders;
        });
  }

  /** The flow's tally as of {@code now}. */
  public Uni<FlowTally> tally(FlowHops flow, Instant now) {
    return orders(flow, now).map(orders -> FlowTally.of(flow, orders, now));
  }
}
