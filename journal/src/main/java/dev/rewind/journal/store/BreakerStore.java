package dev.rewind.journal.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shared circuit breakers ({@code rewind.breakers}, see V5__circuit_breakers.sql) and the claims that probe and
 * drain a destination's held events. Every transition is one conditional statement (compare-and-set on the state
 * and the probe owner), so any number of workers agree on one state; none holds a transaction across an HTTP call.
 */
public final class BreakerStore {

  private static final String COLUMNS = "destination, state, opened_at, open_for_ms, probe_owner, probe_until,"
      + " opened_by, last_failure, hold_reason, now() AS store_now";

  /** closed or draining → open. A breaker already open, or being probed, is left as it is. */
  private static final String OPEN = """
      INSERT INTO rewind.breakers AS b (namespace, destination, state, opened_at, open_for_ms, opened_by,
          last_failure, changed_at)
      VALUES ($5, $1, 'open', now(), $3, $2, $4, now())
      ON CONFLICT (namespace, destination) DO UPDATE SET state = 'open', opened_at = now(), open_for_ms = $3,
          opened_by = $2, last_failure = $4, probe_owner = NULL, probe_until = NULL, changed_at = now()
      WHERE b.state IN ('closed', 'draining')
      RETURNING %s
      """.formatted(COLUMNS);

  /** open for open_for_ms, or half_open with an expired probe lease → half_open, probed by this worker. */
  private static final String PROBE = """
      UPDATE rewind.breakers SET state = 'half_open', probe_owner = $2,
          probe_until = now() + $3 * interval '1 millisecond', changed_at = now()
      WHERE namespace = $4 AND destination = $1 AND hold_reason IS NULL
        AND ((state = 'open' AND opened_at + open_for_ms * interval '1 millisecond' <= now())
          OR (state = 'half_open' AND probe_until < now()))
      RETURNING %s
      """.formatted(COLUMNS);

  /*
   * A shared token bucket in the row's drain_next (the time the next token falls due; GCRA). A worker late for its
   * token keeps the lateness, up to one burst of intervals: drain_next advances from when the token was due, not
   * from the late claim, so scheduling delays do not lower the rate below drainRate. Over any t seconds, all workers
   * together get at most 2 × burst + ratePerSecond × t tokens.
   */
  private static final String TOKENS = """
      WITH g AS (
          SELECT greatest(drain_next, now() - ($4::int * $3::bigint) * interval '1 microsecond') AS t
          FROM rewind.breakers
          WHERE namespace = $5 AND destination = $1 AND state = 'draining' FOR UPDATE),
      k AS (
          SELECT t, least($2::int, $4::int,
                          floor(extract(epoch FROM (now() - t)) * 1000000 / $3::bigint) + 1)::int AS n
          FROM g)
      UPDATE rewind.breakers b SET drain_next = k.t + (k.n * $3::bigint) * interval '1 microsecond'
      FROM k WHERE b.namespace = $5 AND b.destination = $1 AND k.n > 0
      RETURNING k.n
      """;

  /*
   * The oldest due events of the given routes, by id (UUIDv7: capture order), one ordered index range per route
   * and state (events_route_state), so a long held backlog is not sorted on every drain claim.
   */
  private static final String CLAIM_OLDEST = """
      WITH locked AS (
          SELECT d.id, d.namespace, d.next_attempt_at, d.state, d.attempts, d.lease_owner, d.leased_at, d.url
          FROM unnest($3::text[]) AS r(route)
          CROSS JOIN unnest(ARRAY['pending', 'failed', 'delivering']) AS s(state)
          CROSS JOIN LATERAL (
              SELECT id, namespace, next_attempt_at, state, attempts, lease_owner, leased_at, url
              FROM rewind.events
              WHERE namespace = $2 AND route = r.route AND state = s.state AND next_attempt_at <= now()
              ORDER BY id
              LIMIT $4
              FOR UPDATE SKIP LOCKED) d),
      chosen AS (SELECT id FROM locked ORDER BY id LIMIT $4),
      interrupted AS (%s)
      UPDATE rewind.events e
      SET state = 'delivering', attempts = e.attempts + 1, lease_owner = $1, lease_token = e.lease_token + 1,
          next_attempt_at = now() + $5 * interval '1 millisecond', leased_at = now()
      FROM chosen JOIN locked p ON p.id = chosen.id
      WHERE e.id = chosen.id
      RETURNING e.*, p.state = 'delivering' AS after_interruption
      """.formatted(EventStore.interrupted("locked l JOIN chosen c ON c.id = l.id"));

  private static final String EXPIRE_HELD = """
      UPDATE rewind.events e SET state = 'dead', completed_at = now(), next_attempt_at = NULL, lease_owner = NULL,
          dead_reason = t.reason
      FROM unnest($2::text[], $3::bigint[], $4::text[]) AS t(route, max_age, reason)
      WHERE e.namespace = $1 AND e.route = t.route AND e.state IN ('pending', 'failed')
        AND e.received_at < now() - t.max_age * interval '1 millisecond'
      """;

  private static final String HOLD = """
      WITH held AS (
          INSERT INTO rewind.breakers AS b (namespace, destination, state, hold_reason)
          SELECT $3, $1, 'closed', $2::text WHERE $2::text IS NOT NULL
          ON CONFLICT (namespace, destination) DO UPDATE SET hold_reason = excluded.hold_reason, changed_at = now()
          WHERE b.hold_reason IS DISTINCT FROM excluded.hold_reason
          RETURNING 1),
      released AS (
          UPDATE rewind.breakers SET hold_reason = NULL, changed_at = now()
          WHERE namespace = $3 AND destination = $1 AND $2::text IS NULL AND hold_reason IS NOT NULL
          RETURNING 1)
      SELECT (SELECT count(*) FROM held) + (SELECT count(*) FROM released) AS changed
      """;

  private final Pool pool;
  private final String namespace;

  /** The breakers of one namespace's deliveries: each namespace has its own (V6__tenant_isolation.sql). */
  public BreakerStore(Pool pool, String namespace) {
    this.pool = pool;
    this.namespace = namespace;
  }

  /** The stored breakers of these destinations; a destination without a row is closed. */
  public Uni<Map<String, BreakerRow>> read(List<String> destinations) {
    if (destinations.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rewind.breakers WHERE namespace = $2"
            + " AND destination = ANY($1)")
        .execute(Tuple.of(destinations.toArray(String[]::new), namespace))
        .map(rows -> {
          Map<String, BreakerRow> map = new HashMap<>();
          rows.forEach(r -> map.put(r.getString("destination"), row(r)));
          return map;
        });
  }

  /** Every stored breaker of this namespace, for status. */
  public Uni<List<BreakerRow>> all() {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rewind.breakers WHERE namespace = $1"
            + " ORDER BY destination").execute(Tuple.of(namespace))
        .map(rows -> {
          List<BreakerRow> list = new ArrayList<>();
          rows.forEach(r -> list.add(row(r)));
          return list;
        });
  }

  /** Opens a closed (or draining) breaker; empty when it was already open or being probed. */
  public Uni<Optional<BreakerRow>> open(String destination, String worker, Duration openFor, String lastFailure) {
    return one(pool.preparedQuery(OPEN)
        .execute(Tuple.of(destination, worker, openFor.toMillis(), lastFailure, namespace)));
  }

  /**
   * Takes the probe lease of a breaker open long enough, or of one whose previous prober's lease ran out; empty
   * when the breaker is not due for a probe or another worker holds it.
   */
  public Uni<Optional<BreakerRow>> tryProbe(String destination, String worker, Duration lease) {
    return one(pool.preparedQuery(PROBE).execute(Tuple.of(destination, worker, lease.toMillis(), namespace)));
  }

  /** The probe got an answer: half_open → draining; false if this worker no longer holds the probe. */
  public Uni<Boolean> probeAnswered(String destination, String worker) {
    return changed(pool.preparedQuery("UPDATE rewind.breakers SET state = 'draining', probe_owner = NULL,"
            + " probe_until = NULL, drain_next = now(), changed_at = now()"
            + " WHERE namespace = $3 AND destination = $1 AND state = 'half_open' AND probe_owner = $2")
        .execute(Tuple.of(destination, worker, namespace)));
  }

  /** The probe failed: half_open → open for open_for_ms again; false if this worker no longer holds the probe. */
  public Uni<Boolean> probeFailed(String destination, String worker, String lastFailure) {
    return changed(pool.preparedQuery("UPDATE rewind.breakers SET state = 'open', opened_at = now(),"
            + " probe_owner = NULL, probe_until = NULL, last_failure = $3, changed_at = now()"
            + " WHERE namespace = $4 AND destination = $1 AND state = 'half_open' AND probe_owner = $2")
        .execute(Tuple.of(destination, worker, lastFailure, namespace)));
  }

  /** Nothing held is left: draining → closed. */
  public Uni<Boolean> drained(String destination) {
    return changed(pool.preparedQuery("UPDATE rewind.breakers SET state = 'closed', drain_next = NULL,"
            + " changed_at = now() WHERE namespace = $2 AND destination = $1 AND state = 'draining'")
        .execute(Tuple.of(destination, namespace)));
  }

  /**
   * Takes up to {@code wanted} (and at most {@code burst}) drain tokens of a draining destination: together, all
   * workers get at most {@code 2 × burst + ratePerSecond × t} tokens over any t seconds. 0 when none is available
   * (or not draining).
   */
  public Uni<Integer> drainTokens(String destination, int wanted, int ratePerSecond, int burst) {
    long micros = Math.max(1, Math.round(1_000_000.0 / ratePerSecond));
    return pool.preparedQuery(TOKENS).execute(Tuple.of(destination, wanted, micros, burst, namespace))
        .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger("n"));
  }

  /**
   * Holds a destination whatever its breaker's state, or releases it (null reason): for a writer such as the
   * operator. One conditional statement: a hold creates the row if absent (closed, so releasing it leaves the
   * breaker as it was) and rewrites it only when the reason differs; a release clears a reason that is set and
   * creates no row.
   *
   * @return whether the stored reason changed
   */
  public Uni<Boolean> hold(String destination, String reason) {
    return pool.preparedQuery(HOLD).execute(Tuple.of(destination, reason, namespace))
        .map(rows -> rows.iterator().next().getLong("changed") > 0);
  }

  /** Claims the oldest due events (capture order) of the given routes: a probe, or a drain's share. */
  public Uni<List<ClaimedEvent>> claimOldest(String worker, String namespace, List<String> routes, int limit,
      Duration lease) {
    if (routes.isEmpty() || limit <= 0) {
      return Uni.createFrom().item(List.of());
    }
    return pool.preparedQuery(CLAIM_OLDEST)
        .execute(Tuple.of(worker, namespace, routes.toArray(String[]::new), limit, lease.toMillis()))
        .map(rows -> {
          List<ClaimedEvent> claimed = new ArrayList<>(rows.size());
          rows.forEach(r -> claimed.add(new ClaimedEvent(Rows.event(r), r.getBoolean("after_interruption"),
              r.getInteger("uncounted_attempts"))));
          claimed.sort(java.util.Comparator.comparing(c -> c.event().id()));
          return claimed;
        });
  }

  /**
   * Makes dead, with the given reason, the held events of these routes captured longer than their maxAge ago.
   *
   * @return how many
   */
  public Uni<Integer> expireHeld(String namespace, List<String> routes, List<Long> maxAgeMs, List<String> reasons) {
    if (routes.isEmpty()) {
      return Uni.createFrom().item(0);
    }
    return pool.preparedQuery(EXPIRE_HELD)
        .execute(Tuple.of(namespace, routes.toArray(String[]::new), maxAgeMs.toArray(Long[]::new),
            reasons.toArray(String[]::new)))
        .map(RowSet::rowCount);
  }

  private static Uni<Optional<BreakerRow>> one(Uni<RowSet<Row>> rows) {
    return rows.map(r -> r.size() == 0 ? Optional.<BreakerRow>empty() : Optional.of(row(r.iterator().next())));
  }

  private static Uni<Boolean> changed(Uni<RowSet<Row>> rows) {
    return rows.map(r -> r.rowCount() > 0);
  }

  private static BreakerRow row(Row r) {
    return new BreakerRow(r.getString("destination"), r.getString("state"), instant(r, "opened_at"),
        r.getLong("open_for_ms"), r.getString("probe_owner"), instant(r, "probe_until"), r.getString("opened_by"),
        r.getString("last_failure"), r.getString("hold_reason"), instant(r, "store_now"));
  }

  private static java.time.Instant instant(Row r, String column) {
    java.time.OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }
}
