package dev.rewind.journal.store;

import dev.rewind.api.v1alpha1.common.EventState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
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
      INSERT INTO rewind.events (id, namespace, route, route_generation, event_id, event_source, correlation_id,
          event_type, sender_workload, sender_pod, method, url, path_suffix, headers, body, received_at, state,
          attempts, next_attempt_at, lease_owner, lease_token, leased_at)
      SELECT t.id, t.ns, t.route, t.gen, t.eid, t.src, t.cid, t.typ, t.sw, t.sp, t.m, t.u, t.sfx, t.h::jsonb, t.b,
          t.r,
          CASE WHEN t.c THEN 'delivering' ELSE 'pending' END,
          CASE WHEN t.c THEN 1 ELSE 0 END,
          CASE WHEN t.c THEN now() + $18 * interval '1 millisecond' ELSE now() END,
          CASE WHEN t.c THEN $17 END,
          CASE WHEN t.c THEN 1 ELSE 0 END,
          CASE WHEN t.c THEN now() END
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
          $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bytea[],
          $15::timestamptz[], $16::bool[], $19::text[])
          AS t(id, ns, route, gen, eid, cid, typ, sw, sp, m, u, sfx, h, b, r, c, src)
      WHERE NOT EXISTS (SELECT 1 FROM rewind.events e WHERE e.id = t.id AND e.died OFFSET 0)
        AND (t.eid = t.id::text OR NOT EXISTS (
          SELECT 1 FROM rewind.events e
          WHERE e.namespace = t.ns AND e.route = t.route AND e.event_source = t.src AND e.event_id = t.eid
            AND e.id >= $20 AND e.id < $21
          OFFSET 0))
      ON CONFLICT DO NOTHING
      RETURNING id
      """;

  /*
   * Deduplication on the day-partitioned journal (V7, V8): a unique index of a partitioned table cannot span
   * partitions, so the key (namespace, route, source, id) is unique per live leaf of a day only, the arbiter of ON
   * CONFLICT above (two captures of one key at once). The NOT EXISTS probe covers the rest of the DedupeWindow: the
   * previous day's leaves and today's died leaf (an event that died moved there), one index probe each, the
   * partitions pruned to by the id bounds. An event sent again later than that is journaled a second time:
   * delivered twice, never lost. The probe's OFFSET 0 keeps it a per-row subplan: pulled up into an anti join, a
   * generic plan (the batch size is unknown to it) hashes the previous day's whole partition instead of probing its
   * index once per event. An event without a source id of its own (its key is its Rewind id) skips it. Rewind's id
   * is unique per live leaf (another arbiter); the first probe looks it up in its day's died leaf, so a
   * Rewind-Capture-Id sent again (on any route) finds the event it names even after that event died.
   */

  // Why an event was not inserted: the same (source, id) on the route, with the same body or not; or no such
  // event at all, when the conflict was on Rewind's own id (a Rewind-Event-Id reused on another route).
  private static final String EXISTING = """
      SELECT e.id, t.idx, sha256(e.body) = t.hash AS same_body
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])
          WITH ORDINALITY AS t(ns, route, src, eid, hash, idx)
      JOIN rewind.events e ON e.namespace = t.ns AND e.route = t.route AND e.event_source = t.src
          AND e.event_id = t.eid
      ORDER BY e.id
      """;

  /*
   * Per route, an ordered range scan of events_due (namespace, route, next_attempt_at) — an array of routes in one
   * scan could not be read in order and would sort the whole due backlog on every claim. The merged candidates are
   * then cut to the memory budget: the first due event always goes, so an event larger than the budget still moves.
   */
  private static final String CLAIM = """
      WITH locked AS (
          SELECT d.id, d.namespace, d.size, d.next_attempt_at, d.state, d.attempts, d.lease_owner, d.leased_at,
              d.url
          FROM unnest($3::text[]) AS r(route)
          CROSS JOIN LATERAL (
              SELECT id, namespace, octet_length(body) AS size, next_attempt_at, state, attempts, lease_owner,
                  leased_at, url
              FROM rewind.events
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
          WHERE w.n <= $4 AND (w.running <= $6 OR w.n = 1)),
      interrupted AS (%s)
      UPDATE rewind.events e
      SET state = 'delivering', attempts = e.attempts + 1, lease_owner = $1, lease_token = e.lease_token + 1,
          next_attempt_at = now() + $5 * interval '1 millisecond', leased_at = now()
      FROM chosen JOIN locked p ON p.id = chosen.id
      WHERE e.id = chosen.id
      RETURNING e.*, p.state = 'delivering' AS after_interruption
      """.formatted(interrupted("locked l JOIN chosen c ON c.id = l.id"));

  /**
   * Records, as interrupted, the attempt of every chosen event that is still leased ({@code delivering}) although
   * its lease ran out: its worker stopped before recording an outcome. Numbered as the claim that leased it; it
   * counts against the policy. A real outcome that arrives later replaces it (see {@link #OUTCOMES}).
   */
  static String interrupted(String from) {
    return """
        INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination, started_at,
            duration_ms, error_class, error, outcome)
        SELECT l.id, l.namespace, l.attempts, CASE WHEN l.attempts = 1 THEN 'initial' ELSE 'retry' END,
            coalesce(l.lease_owner, 'unknown'), l.url, coalesce(l.leased_at, l.next_attempt_at), 0,
            'interrupted', 'no outcome recorded: ' || coalesce(l.lease_owner, 'the worker') || ' stopped before'
                || ' the attempt ended; the destination may or may not have received it (duration unknown)',
            'interrupted'
        FROM %s
        WHERE l.state = 'delivering' AND l.attempts > 0
        ON CONFLICT (event_id, number, event_died) DO NOTHING
        """.formatted(from);
  }

  // An attempt row with the same number may exist already only as interrupted (its lease ran out before this
  // outcome arrived): the real outcome replaces it. A write without an attempt (num null) finishes an event whose
  // interrupted attempts used up its policy: its claim made no attempt, so it is not counted (unless another
  // claim counted past it meanwhile: a gap in the numbers is harmless, a number used twice would lose a row).
  private static final String OUTCOMES = """
      WITH o AS (
          SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[],
              $8::timestamptz[], $9::float8[], $10::int[], $11::text[], $12::text[], $13::text[], $14::text[],
              $15::bytea[], $16::bigint[], $17::text[], $18::bigint[], $19::int[], $20::bool[])
              AS o(id, num, trig, rid, rname, worker, dest, started, dur, code, eclass, err, outcome, rh, rb,
                   tok, st, delay, claimed, unc)),
      a AS (
          INSERT INTO rewind.attempts AS x (event_id, namespace, number, trigger, replay_id, replay_name, worker,
              destination, started_at, duration_ms, status_code, error_class, error, outcome, response_headers,
              response_body, event_died)
          SELECT o.id, ev.namespace, o.num, o.trig, o.rid, o.rname, o.worker, o.dest, o.started, o.dur, o.code,
              o.eclass, o.err, o.outcome, o.rh::jsonb, o.rb, ev.died
          FROM o JOIN rewind.events ev ON ev.id = o.id WHERE o.num IS NOT NULL
          ON CONFLICT (event_id, number, event_died) DO UPDATE SET started_at = EXCLUDED.started_at,
              duration_ms = EXCLUDED.duration_ms, status_code = EXCLUDED.status_code,
              error_class = EXCLUDED.error_class, error = EXCLUDED.error, outcome = EXCLUDED.outcome,
              response_headers = EXCLUDED.response_headers, response_body = EXCLUDED.response_body
          WHERE x.error_class = 'interrupted')
      UPDATE rewind.events e SET
          state = o.st,
          attempts = CASE WHEN o.num IS NULL AND e.attempts = o.claimed THEN e.attempts - 1 ELSE e.attempts END,
          uncounted_attempts = e.uncounted_attempts + CASE WHEN o.unc AND o.num IS NOT NULL THEN 1 ELSE 0 END,
          next_attempt_at = CASE WHEN o.st = 'failed' THEN now() + o.delay * interval '1 millisecond' END,
          lease_owner = NULL,
          last_outcome = coalesce(o.outcome, e.last_outcome),
          last_attempt_at = coalesce(o.started, e.last_attempt_at),
          completed_at = CASE WHEN o.st IN ('delivered', 'dead') THEN now() END
      FROM o
      WHERE e.id = o.id AND e.lease_token = o.tok AND o.st IS NOT NULL
      """;

  // The claim is uncounted only if no other claim (a replay's) counted past it meanwhile.
  private static final String RELEASE = """
      UPDATE rewind.events e SET
          state = CASE WHEN e.attempts <= 1 THEN 'pending' ELSE 'failed' END,
          attempts = CASE WHEN e.attempts = t.num THEN e.attempts - 1 ELSE e.attempts END,
          lease_owner = NULL, next_attempt_at = now()
      FROM unnest($1::uuid[], $2::bigint[], $3::int[]) AS t(id, tok, num)
      WHERE e.id = t.id AND e.lease_token = t.tok AND e.state = 'delivering'
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
    String[] sources = new String[n];
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
      sources[i] = e.eventSource() == null ? "" : e.eventSource();
    }
    DedupeWindow window = DedupeWindow.at(Instant.now());
    Tuple params = Tuple.tuple(List.of(ids, namespaces, routes, generations, eventIds, correlations, types,
        workloads, pods, methods, urls, suffixes, headers, bodies, received, claims, worker, lease.toMillis(),
        sources, window.from(), window.until()));
    return pool.preparedQuery(INSERT).execute(params).chain(rows -> {
      Set<UUID> inserted = new HashSet<>();
      rows.forEach(r -> inserted.add(r.getUUID("id")));
      List<Appended> result = new ArrayList<>(n);
      List<Integer> duplicates = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (inserted.contains(ids[i])) {
          result.add(Appended.stored(ids[i], claims[i], claims[i] ? 1 : 0));
        } else {
          result.add(null);
          duplicates.add(i);
        }
      }
      if (duplicates.isEmpty()) {
        return Uni.createFrom().item(result);
      }
      return resolveDuplicates(duplicates, events, result);
    });
  }

  /**
   * Says, for each event that was not inserted, why: the route already holds the same event (same source, id and
   * body: a duplicate, acknowledged again without being stored twice), or a different one under the same key,
   * which is refused — acknowledging it as a duplicate would lose it.
   */
  private Uni<List<Appended>> resolveDuplicates(List<Integer> duplicates, List<NewEvent> events,
      List<Appended> result) {
    int d = duplicates.size();
    String[] ns = new String[d];
    String[] rt = new String[d];
    String[] src = new String[d];
    String[] eid = new String[d];
    Buffer[] hashes = new Buffer[d];
    for (int j = 0; j < d; j++) {
      NewEvent e = events.get(duplicates.get(j));
      ns[j] = e.namespace();
      rt[j] = e.route();
      src[j] = e.eventSource() == null ? "" : e.eventSource();
      eid[j] = e.eventId();
      hashes[j] = Buffer.buffer(sha256(e.body()));
    }
    return pool.preparedQuery(EXISTING).execute(Tuple.of(ns, rt, src, eid, hashes)).map(rows -> {
      // Past the dedupe window a key may be stored twice: the newest (ordered last) is the one capture compared.
      Map<Long, Row> byIndex = new HashMap<>();
      rows.forEach(r -> byIndex.put(r.getLong("idx"), r));
      for (int j = 0; j < d; j++) {
        Row existing = byIndex.get((long) j + 1);
        NewEvent e = events.get(duplicates.get(j));
        String key = "event id " + e.eventId() + (src[j].isEmpty() ? "" : " from source " + src[j]);
        Appended answer;
        if (existing == null) {
          answer = Appended.refused("Rewind id " + e.id() + " (header Rewind-Capture-Id) belongs to another"
              + " event, or to one removed meanwhile; send the event again with the id this route answered, or"
              + " without the header");
        } else if (Boolean.TRUE.equals(existing.getBoolean("same_body"))) {
          answer = Appended.duplicate(existing.getUUID("id"));
        } else {
          answer = Appended.refused(key + " was already captured on route " + e.route() + " (Rewind id "
              + existing.getUUID("id") + ") with a different body; a different event needs its own id");
        }
        result.set(duplicates.get(j), answer);
      }
      return result;
    });
  }

  static byte[] sha256(byte[] body) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(body);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
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
  public Uni<List<ClaimedEvent>> claimDue(String worker, String namespace, List<String> routes, int limit,
      Duration lease, long maxBytes, Duration overdueBy) {
    if (routes.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    // The claim commits durably before any attempt starts: it is the record that the attempt may have been
    // made. Were it lost in a store crash, the attempt's number would be reused and a send that reached the
    // destination would be missing from the log.
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.tuple(List.of(worker, namespace, routes.toArray(String[]::new), limit, lease.toMillis(),
            maxBytes, overdueBy.toMillis())))
        .map(rows -> {
          List<ClaimedEvent> claimed = new ArrayList<>(rows.size());
          rows.forEach(r -> claimed.add(new ClaimedEvent(Rows.event(r), r.getBoolean("after_interruption"),
              r.getInteger("uncounted_attempts"))));
          return claimed;
        });
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
    OutcomeColumns o = OutcomeColumns.of(outcomes);
    AttemptColumns a = o.attempts();
    return Tuple.tuple(List.of(a.eventIds(), a.numbers(), a.triggers(), a.replayIds(), a.replayNames(),
        a.workers(), a.destinations(), a.started(), a.durations(), a.codes(), a.errorClasses(), a.errors(),
        a.outcomes(), a.responseHeaders(), a.responseBodies(), o.tokens(), o.states(), o.delays(), o.claimed(),
        outcomes.stream().map(OutcomeWrite::uncounted).toArray(Boolean[]::new)));
  }

  /**
   * Gives back events this worker claimed and never attempted (it is stopping): due at once, their claim not
   * counted as an attempt, so they are not later mistaken for interrupted attempts.
   */
  public Uni<Integer> release(List<UUID> ids, List<Long> leaseTokens, List<Integer> numbers) {
    if (ids.isEmpty()) {
      return Uni.createFrom().item(0);
    }
    return pool.preparedQuery(RELEASE)
        .execute(Tuple.of(ids.toArray(UUID[]::new), leaseTokens.toArray(Long[]::new),
            numbers.toArray(Integer[]::new)))
        .map(RowSet::rowCount);
  }

  /**
   * Claims one event whatever its state, for a sender that sent the same event again in passthrough mode: it is
   * waiting for an answer, so the event is attempted again (same id; consumers are idempotent).
   */
  public Uni<Optional<StoredEvent>> claimOne(UUID id, String worker, Duration lease) {
    return pool.preparedQuery("UPDATE rewind.events e SET state = 'delivering', attempts = e.attempts + 1,"
            + " lease_owner = $2, lease_token = e.lease_token + 1, completed_at = NULL, leased_at = now(),"
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
              .chain(attempts -> hold(event).map(hold -> Optional.of(new EventTrace(event, sender.orElse(null),
                  attempts, hold.orElse(null))))));
        });
  }

  /** The route row's pause flag and destination, for {@link #hold}. */
  private static final String ROUTE_HOLD = """
      SELECT coalesce((spec->'route'->>'paused')::boolean, false) AS paused, published_at,
             spec->'route'->'destination'->>'url' AS url
        FROM rewind.routes WHERE namespace = $1 AND name = $2
      """;

  /**
   * What holds an event still to be delivered (its route paused, its destination held or its breaker open); empty
   * for a delivered or dead event and one nothing holds. Without a published route row (standalone), the event's
   * own URL names the destination.
   */
  private Uni<Optional<EventHold>> hold(StoredEvent event) {
    if (event.state() == EventState.DELIVERED || event.state() == EventState.DEAD) {
      return Uni.createFrom().item(Optional.empty());
    }
    return pool.preparedQuery(ROUTE_HOLD).execute(Tuple.of(event.namespace(), event.route())).chain(rows -> {
      Row route = rows.size() == 0 ? null : rows.iterator().next();
      boolean paused = route != null && Boolean.TRUE.equals(route.getBoolean("paused"));
      Instant publishedAt = route == null ? null : Rows.instant(route, "published_at");
      String url = route == null || route.getString("url") == null ? event.url() : route.getString("url");
      String destination = BreakerRow.destinationOf(url);
      return breakers(event.namespace()).read(List.of(destination)).map(read -> Optional.ofNullable(
          EventHold.of(paused, publishedAt, read.get(destination))));
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

  /** The circuit breakers of the destinations this store's events go to, and the claims that drain them. */
  public BreakerStore breakers(String namespace) {
    return new BreakerStore(pool, namespace);
  }
}
