package dev.rewind.journal.store;

import dev.rewind.api.v1alpha1.common.EventState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads and writes journaled events and their attempts. Writes take batches: each batch is one statement over
 * arrays ({@code unnest}), so many events cost one round trip and one durable commit.
 *
 * <p>All scheduling times (due, lease expiry) are computed with the store's clock, {@code now()}, so workers on
 * machines with skewed clocks still agree on what is due.
 */
public final class EventStore {

  private static final String INSERT = """
      INSERT INTO rewind.events (id, namespace, route, route_generation, event_id, correlation_id, event_type,
          sender_workload, sender_pod, method, url, path_suffix, headers, body, received_at, state, attempts,
          next_attempt_at, lease_owner, lease_token)
      SELECT t.id, t.ns, t.route, t.gen, t.eid, t.cid, t.typ, t.sw, t.sp, t.m, t.u, t.sfx, t.h::jsonb, t.b, t.r,
          CASE WHEN t.c THEN 'delivering' ELSE 'pending' END,
          CASE WHEN t.c THEN 1 ELSE 0 END,
          CASE WHEN t.c THEN now() + $18 * interval '1 millisecond' ELSE now() END,
          CASE WHEN t.c THEN $17 END,
          CASE WHEN t.c THEN 1 ELSE 0 END
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
          $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bytea[],
          $15::timestamptz[], $16::bool[])
          AS t(id, ns, route, gen, eid, cid, typ, sw, sp, m, u, sfx, h, b, r, c)
      ON CONFLICT (namespace, route, event_id) DO NOTHING
      RETURNING id
      """;

  private static final String EXISTING = """
      SELECT e.id, t.idx FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(ns, route, eid, idx)
      JOIN rewind.events e ON e.namespace = t.ns AND e.route = t.route AND e.event_id = t.eid
      """;

  /*
   * Per route, an ordered range scan of events_due (namespace, route, next_attempt_at) — an array of routes in one
   * scan could not be read in order and would sort the whole due backlog on every claim. The merged candidates are
   * then cut to the memory budget: the first due event always goes, so an event larger than the budget still moves.
   */
  private static final String CLAIM = """
      WITH locked AS (
          SELECT d.id, d.size, d.next_attempt_at
          FROM unnest($3::text[]) AS r(route)
          CROSS JOIN LATERAL (
              SELECT id, octet_length(body) AS size, next_attempt_at FROM rewind.events
              WHERE namespace = $2 AND route = r.route AND state IN ('pending', 'delivering', 'failed')
                AND next_attempt_at <= now() - $7 * interval '1 millisecond'
              ORDER BY next_attempt_at
              LIMIT $4
              FOR UPDATE SKIP LOCKED) d),
      chosen AS (
          SELECT id FROM (
              SELECT id, sum(size) OVER (ORDER BY next_attempt_at, id) AS running,
                     row_number() OVER (ORDER BY next_attempt_at, id) AS n
              FROM locked) w
          WHERE w.n <= $4 AND (w.running <= $6 OR w.n = 1))
      UPDATE rewind.events e
      SET state = 'delivering', attempts = e.attempts + 1, lease_owner = $1, lease_token = e.lease_token + 1,
          next_attempt_at = now() + $5 * interval '1 millisecond'
      FROM chosen
      WHERE e.id = chosen.id
      RETURNING e.*
      """;

  private static final String OUTCOMES = """
      WITH o AS (
          SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[],
              $8::timestamptz[], $9::float8[], $10::int[], $11::text[], $12::text[], $13::text[], $14::text[],
              $15::bytea[], $16::bigint[], $17::text[], $18::bigint[])
              AS o(id, num, trig, rid, rname, worker, dest, started, dur, code, eclass, err, outcome, rh, rb,
                   tok, st, delay)),
      a AS (
          INSERT INTO rewind.attempts (event_id, number, trigger, replay_id, replay_name, worker, destination,
              started_at, duration_ms, status_code, error_class, error, outcome, response_headers, response_body)
          SELECT id, num, trig, rid, rname, worker, dest, started, dur, code, eclass, err, outcome, rh::jsonb, rb
          FROM o
          ON CONFLICT (event_id, number) DO NOTHING)
      UPDATE rewind.events e SET
          state = o.st,
          next_attempt_at = CASE WHEN o.st = 'failed' THEN now() + o.delay * interval '1 millisecond' END,
          lease_owner = NULL,
          last_outcome = o.outcome,
          last_attempt_at = o.started,
          completed_at = CASE WHEN o.st IN ('delivered', 'dead') THEN now() END
      FROM o
      WHERE e.id = o.id AND e.lease_token = o.tok AND o.st IS NOT NULL
      """;

  private final Pool pool;

  public EventStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Journals a batch in one durable commit. Events whose source id the route has already seen are not stored
   * again: their result is the existing id, marked duplicate.
   *
   * @param claim per event: whether this worker takes the lease and will attempt it at once
   */
  public Uni<List<Appended>> append(List<NewEvent> events, List<Boolean> claim, String worker, Duration lease) {
    int n = events.size();
    UUID[] ids = new UUID[n];
    String[] namespaces = new String[n];
    String[] routes = new String[n];
    Long[] generations = new Long[n];
    String[] eventIds = new String[n];
    String[] correlations = new String[n];
    String[] types = new String[n];
    String[] workloads = new String[n];
    String[] pods = new String[n];
    String[] methods = new String[n];
    String[] urls = new String[n];
    String[] suffixes = new String[n];
    String[] headers = new String[n];
    Buffer[] bodies = new Buffer[n];
    OffsetDateTime[] received = new OffsetDateTime[n];
    Boolean[] claims = new Boolean[n];
    for (int i = 0; i < n; i++) {
      NewEvent e = events.get(i);
      ids[i] = e.id();
      namespaces[i] = e.namespace();
      routes[i] = e.route();
      generations[i] = e.routeGeneration();
      eventIds[i] = e.eventId();
      correlations[i] = e.correlationId();
      types[i] = e.eventType();
      workloads[i] = e.senderWorkload();
      pods[i] = e.senderPod();
      methods[i] = e.method();
      urls[i] = e.url();
      suffixes[i] = e.pathSuffix() == null ? "" : e.pathSuffix();
      headers[i] = Header.toJson(e.headers());
      bodies[i] = Buffer.buffer(e.body());
      received[i] = Rows.offset(e.receivedAt());
      claims[i] = claim.get(i);
    }
    Tuple params = Tuple.tuple(List.of(ids, namespaces, routes, generations, eventIds, correlations, types,
        workloads, pods, methods, urls, suffixes, headers, bodies, received, claims, worker, lease.toMillis()));
    return pool.preparedQuery(INSERT).execute(params).chain(rows -> {
      Set<UUID> inserted = new HashSet<>();
      rows.forEach(r -> inserted.add(r.getUUID("id")));
      List<Appended> result = new ArrayList<>(n);
      List<Integer> duplicates = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (inserted.contains(ids[i])) {
          result.add(new Appended(ids[i], false, claims[i], claims[i] ? 1 : 0));
        } else {
          result.add(null);
          duplicates.add(i);
        }
      }
      if (duplicates.isEmpty()) {
        return Uni.createFrom().item(result);
      }
      return resolveDuplicates(duplicates, namespaces, routes, eventIds, result);
    });
  }

  private Uni<List<Appended>> resolveDuplicates(List<Integer> duplicates, String[] namespaces, String[] routes,
      String[] eventIds, List<Appended> result) {
    int d = duplicates.size();
    String[] ns = new String[d];
    String[] rt = new String[d];
    String[] eid = new String[d];
    for (int j = 0; j < d; j++) {
      int i = duplicates.get(j);
      ns[j] = namespaces[i];
      rt[j] = routes[i];
      eid[j] = eventIds[i];
    }
    return pool.preparedQuery(EXISTING).execute(Tuple.of(ns, rt, eid)).map(rows -> {
      Map<Long, UUID> byIndex = new HashMap<>();
      rows.forEach(r -> byIndex.put(r.getLong("idx"), r.getUUID("id")));
      for (int j = 0; j < d; j++) {
        UUID existing = byIndex.get((long) j + 1);
        if (existing == null) {
          // The conflicting row vanished between the two statements (retention); nothing is stored for it.
          throw new IllegalStateException("event " + eid[j] + " of route " + rt[j] + " conflicted but is gone");
        }
        result.set(duplicates.get(j), new Appended(existing, true, false, 0));
      }
      return result;
    });
  }

  /**
   * Claims up to {@code limit} due events of the given routes: never attempted, retry due, or leased by a worker
   * whose lease ran out. Concurrent workers skip each other's locked rows, so each event goes to one of them.
   * The claimed bodies add up to at most {@code maxBytes}, except that the first due event is always taken, so a
   * worker with a small memory budget still makes progress on an event larger than the budget.
   *
   * @param overdueBy only events due at least this long ago: zero for a route's own sidecars; the operator's
   *     takeover waits, so that it only delivers what no sidecar is there to deliver
   */
  public Uni<List<StoredEvent>> claimDue(String worker, String namespace, List<String> routes, int limit,
      Duration lease, long maxBytes, Duration overdueBy) {
    if (routes.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    // A claim need not be durable: lost in a crash, the event is simply due again. The outcome write that follows
    // commits durably and flushes the claim with it, so claims cost no fsync of their own.
    return pool.withTransaction(conn -> conn.query("SET LOCAL synchronous_commit = off").execute()
        .chain(() -> conn.preparedQuery(CLAIM)
            .execute(Tuple.tuple(List.of(worker, namespace, routes.toArray(String[]::new), limit,
                lease.toMillis(), maxBytes, overdueBy.toMillis())))))
        .map(EventStore::events);
  }

  /**
   * Records finished attempts and moves their events on, in one durable commit. Outcomes of a worker that lost
   * its lease still record the attempt (it happened) but leave the event to its new owner.
   *
   * @return how many events changed state
   */
  public Uni<Integer> recordOutcomes(List<OutcomeWrite> outcomes) {
    return pool.preparedQuery(OUTCOMES).execute(outcomeParams(outcomes)).map(RowSet::rowCount);
  }

  static Tuple outcomeParams(List<OutcomeWrite> outcomes) {
    AttemptColumns a = AttemptColumns.of(outcomes.stream().map(OutcomeWrite::attempt).toList());
    int n = outcomes.size();
    Long[] tokens = new Long[n];
    String[] states = new String[n];
    Long[] delays = new Long[n];
    for (int i = 0; i < n; i++) {
      OutcomeWrite o = outcomes.get(i);
      tokens[i] = o.leaseToken();
      states[i] = o.newState() == null ? null : o.newState().wireName();
      delays[i] = o.retryDelay() == null ? 0L : o.retryDelay().toMillis();
    }
    return Tuple.tuple(List.of(a.eventIds(), a.numbers(), a.triggers(), a.replayIds(), a.replayNames(),
        a.workers(), a.destinations(), a.started(), a.durations(), a.codes(), a.errorClasses(), a.errors(),
        a.outcomes(), a.responseHeaders(), a.responseBodies(), tokens, states, delays));
  }

  /**
   * Claims one event whatever its state, for a sender that sent the same event again in passthrough mode: it is
   * waiting for an answer, so the event is attempted again (same id; consumers are idempotent).
   */
  public Uni<Optional<StoredEvent>> claimOne(UUID id, String worker, Duration lease) {
    return pool.preparedQuery("UPDATE rewind.events e SET state = 'delivering', attempts = e.attempts + 1,"
            + " lease_owner = $2, lease_token = e.lease_token + 1, completed_at = NULL,"
            + " next_attempt_at = now() + $3 * interval '1 millisecond' WHERE e.id = $1 RETURNING e.*")
        .execute(Tuple.of(id, worker, lease.toMillis()))
        .map(rows -> events(rows).stream().findFirst());
  }

  /**
   * Makes the events this worker leased in an earlier life due at once. A worker identity is one process slot (a
   * pod's sidecar container): after a restart nothing else can be working on them, so there is no reason to wait
   * for the leases to run out.
   */
  public Uni<Integer> releaseLeasesOf(String worker) {
    return pool.preparedQuery("UPDATE rewind.events SET next_attempt_at = now()"
            + " WHERE state = 'delivering' AND lease_owner = $1")
        .execute(Tuple.of(worker))
        .map(RowSet::rowCount);
  }

  /** One event of a namespace with its sender and every attempt, oldest first. */
  public Uni<Optional<EventTrace>> trace(String namespace, UUID id) {
    return pool.preparedQuery("SELECT " + Rows.EVENT_COLUMNS + " FROM rewind.events WHERE id = $1 AND namespace = $2")
        .execute(Tuple.of(id, namespace))
        .chain(rows -> {
          if (rows.size() == 0) {
            return Uni.createFrom().item(Optional.<EventTrace>empty());
          }
          StoredEvent event = Rows.event(rows.iterator().next());
          return new Senders(pool).find(namespace, event.senderPod()).chain(sender -> attempts(id)
              .map(attempts -> Optional.of(new EventTrace(event, sender.orElse(null), attempts))));
        });
  }

  public Uni<List<AttemptRecord>> attempts(UUID eventId) {
    return pool.preparedQuery("SELECT * FROM rewind.attempts WHERE event_id = $1 ORDER BY number")
        .execute(Tuple.of(eventId))
        .map(rows -> {
          List<AttemptRecord> list = new ArrayList<>();
          rows.forEach(r -> list.add(Rows.attempt(r)));
          return list;
        });
  }

  /** A page of events matching {@code query}, oldest first, continuing after {@code query.after()}. */
  public Uni<EventPage> list(EventQuery query) {
    EventQuery.Sql sql = query.toSql();
    return pool.preparedQuery(sql.text()).execute(sql.params()).map(rows -> {
      List<StoredEvent> events = events(rows);
      UUID next = events.size() > query.limit() ? events.get(query.limit() - 1).id() : null;
      return new EventPage(events.size() > query.limit() ? events.subList(0, query.limit()) : events, next);
    });
  }

  /** Events per state for a namespace (and route, when given). */
  public Uni<Map<EventState, Long>> countByState(String namespace, String route) {
    String sql = "SELECT state, count(*) AS n FROM rewind.events WHERE namespace = $1"
        + (route == null ? "" : " AND route = $2") + " GROUP BY state";
    Tuple params = route == null ? Tuple.of(namespace) : Tuple.of(namespace, route);
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      Map<EventState, Long> counts = new EnumMap<>(EventState.class);
      for (EventState state : EventState.values()) {
        counts.put(state, 0L);
      }
      rows.forEach(r -> counts.put(EventState.fromWire(r.getString("state")), r.getLong("n")));
      return counts;
    });
  }

  static List<StoredEvent> events(RowSet<Row> rows) {
    List<StoredEvent> list = new ArrayList<>(rows.size());
    rows.forEach(r -> list.add(Rows.event(r)));
    return list;
  }
}
