package dev.rewind.journal.replay;

import dev.rewind.journal.delivery.DeliveryItem;
import dev.rewind.journal.store.AttemptColumns;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.OutcomeColumns;
import dev.rewind.journal.store.OutcomeWrite;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The items of Running replays: claims and outcome writes of their runners. Claims work like live delivery's
 * ({@code FOR UPDATE SKIP LOCKED}, a lease, a fencing token): concurrent runners of the same replay never hold the
 * same item, and an item recorded delivered or dead is never claimed again. A claim commits durably before its
 * attempt starts, and an item whose runner stopped mid-attempt is claimed again when its lease runs out, its
 * attempt then recorded as {@code interrupted} under the number that claim gave it; the next attempt carries the
 * same event id, which consumers deduplicate on.
 */
final class ReplayClaims {

  private static final String CLAIM = """
      WITH due AS (
          SELECT i.event_id, i.state, i.attempt_number, i.lease_owner, i.leased_at, i.next_attempt_at
          FROM rewind.replay_items i
          WHERE i.replay_id = $1 AND i.state IN %s AND i.next_attempt_at <= now()
            AND EXISTS (SELECT 1 FROM rewind.replays r WHERE r.id = $1 AND r.phase = 'Running')
          ORDER BY i.next_attempt_at
          LIMIT $3
          FOR UPDATE SKIP LOCKED),
      interrupted AS (
          INSERT INTO rewind.attempts (event_id, namespace, number, trigger, replay_id, replay_name, worker,
              destination, started_at, duration_ms, error_class, error, outcome, event_died)
          SELECT d.event_id, e.namespace, d.attempt_number, 'replay', $1, $6, coalesce(d.lease_owner, 'unknown'),
              coalesce($7, e.url), coalesce(d.leased_at, d.next_attempt_at), 0, 'interrupted',
              'no outcome recorded: ' || coalesce(d.lease_owner, 'the runner') || ' stopped before the attempt'
                  || ' ended; the destination may or may not have received it (duration unknown)',
              'interrupted', e.died
          FROM due d JOIN rewind.events e ON e.id = d.event_id
          WHERE d.state = 'delivering' AND d.attempt_number IS NOT NULL
          ON CONFLICT (event_id, number, event_died) DO NOTHING),
      ev AS (
          UPDATE rewind.events e SET attempts = e.attempts + 1
          FROM due
          WHERE e.id = due.event_id AND e.namespace = $5
          RETURNING e.id, e.route, e.event_id, e.method, e.url, e.path_suffix, e.headers, e.body, e.received_at,
              e.attempts AS event_attempt)
      UPDATE rewind.replay_items i
      SET state = 'delivering', attempts = i.attempts + 1, lease_owner = $2, lease_token = i.lease_token + 1,
          next_attempt_at = now() + $4 * interval '1 millisecond', leased_at = now(),
          attempt_number = ev.event_attempt
      FROM ev JOIN due p ON p.event_id = ev.id
      WHERE i.replay_id = $1 AND i.event_id = ev.id
      RETURNING ev.*, i.attempts AS item_attempts, i.lease_token AS item_token,
          p.state = 'delivering' AS after_interruption
      """.formatted(ReplayStore.OPEN);

  // The attempt row is always written (it happened), replacing an interrupted row of the same number; the item,
  // the event and the counters move only if this runner still holds the item's lease. A delivered event's lease
  // token is bumped, so an outcome of a live attempt that was under way meanwhile cannot turn it back into failed.
  // A write without an attempt (num null) ends an item whose interrupted attempts used up the policy; its claim
  // made no attempt and is uncounted, unless another claim counted past it meanwhile.
  private static final String OUTCOMES = """
      WITH o AS (
          SELECT * FROM unnest($4::uuid[], $5::int[], $6::text[], $7::text[], $8::timestamptz[], $9::float8[],
              $10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bytea[], $16::bigint[],
              $17::text[], $18::bigint[], $19::int[])
              AS o(id, num, worker, dest, started, dur, code, eclass, err, outcome, rh, rb, tok, st, delay,
                   claimed)),
      a AS (
          INSERT INTO rewind.attempts AS x (event_id, namespace, number, trigger, replay_id, replay_name, worker,
              destination, started_at, duration_ms, status_code, error_class, error, outcome, response_headers,
              response_body, event_died)
          SELECT o.id, ev.namespace, o.num, 'replay', $1, $2, o.worker, o.dest, o.started, o.dur, o.code, o.eclass,
              o.err, o.outcome, o.rh::jsonb, o.rb, ev.died
          FROM o JOIN rewind.events ev ON ev.id = o.id WHERE o.num IS NOT NULL
          ON CONFLICT (event_id, number, event_died) DO UPDATE SET worker = EXCLUDED.worker,
              destination = EXCLUDED.destination, started_at = EXCLUDED.started_at,
              duration_ms = EXCLUDED.duration_ms, status_code = EXCLUDED.status_code,
              error_class = EXCLUDED.error_class, error = EXCLUDED.error, outcome = EXCLUDED.outcome,
              response_headers = EXCLUDED.response_headers, response_body = EXCLUDED.response_body
          WHERE x.error_class = 'interrupted'),
      items AS (
          UPDATE rewind.replay_items i SET
              state = o.st,
              attempts = CASE WHEN o.num IS NULL THEN i.attempts - 1 ELSE i.attempts END,
              lease_owner = NULL,
              attempt_number = NULL,
              last_outcome = coalesce(o.outcome, i.last_outcome),
              next_attempt_at = CASE WHEN o.st = 'failed' THEN now() + o.delay * interval '1 millisecond' END,
              completed_at = CASE WHEN o.st IN ('delivered', 'dead') THEN now() END
          FROM o
          WHERE i.replay_id = $1 AND i.event_id = o.id AND i.lease_token = o.tok AND i.state = 'delivering'
          RETURNING i.event_id, i.state),
      ev AS (
          UPDATE rewind.events e SET
              state = CASE WHEN items.state = 'delivered' THEN 'delivered' ELSE e.state END,
              attempts = CASE WHEN o.num IS NULL AND e.attempts = o.claimed THEN e.attempts - 1
                  ELSE e.attempts END,
              lease_token = CASE WHEN items.state = 'delivered' THEN e.lease_token + 1 ELSE e.lease_token END,
              lease_owner = CASE WHEN items.state = 'delivered' THEN NULL ELSE e.lease_owner END,
              next_attempt_at = CASE WHEN items.state = 'delivered' THEN NULL ELSE e.next_attempt_at END,
              completed_at = CASE WHEN items.state = 'delivered' THEN now() ELSE e.completed_at END,
              last_outcome = CASE WHEN e.state = 'delivered' OR o.num IS NULL THEN e.last_outcome
                  ELSE o.outcome END,
              last_attempt_at = CASE WHEN e.state = 'delivered' OR o.num IS NULL THEN e.last_attempt_at
                  ELSE o.started END
          FROM items JOIN o ON o.id = items.event_id
          WHERE e.id = items.event_id AND e.namespace = $3)
      UPDATE rewind.replays r SET
          delivered = r.delivered + (SELECT count(*) FROM items WHERE items.state = 'delivered'),
          failed = r.failed + (SELECT count(*) FROM items WHERE items.state = 'dead')
      WHERE r.id = $1
      """;

  // An unstarted item goes back as it was: its claim is uncounted on the item and, unless another claim counted
  // past it meanwhile, on the event; no interrupted attempt is recorded for it.
  private static final String RELEASE = """
      WITH i AS (
          UPDATE rewind.replay_items i SET
              state = CASE WHEN i.attempts <= 1 THEN 'pending' ELSE 'failed' END,
              attempts = i.attempts - 1, lease_owner = NULL, next_attempt_at = now(), attempt_number = NULL
          FROM unnest($2::uuid[], $3::bigint[], $4::int[]) AS t(id, tok, num)
          WHERE i.replay_id = $1 AND i.event_id = t.id AND i.lease_token = t.tok AND i.state = 'delivering'
          RETURNING i.event_id, t.num)
      UPDATE rewind.events e SET attempts = e.attempts - 1
      FROM i
      WHERE e.id = i.event_id AND e.attempts = i.num
      """;

  private final Pool pool;

  ReplayClaims(Pool pool) {
    this.pool = pool;
  }

  /**
   * Claims up to {@code limit} due items of a Running replay; nothing once it is no longer Running.
   *
   * @param overrideDestination the replay's override destination, or null: where an interrupted attempt went
   */
  Uni<List<ClaimedItem>> claim(UUID id, String name, String namespace, String worker, int limit, Duration lease,
      String overrideDestination) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.tuple(Arrays.asList(id, worker, limit, lease.toMillis(), namespace, name,
            overrideDestination)))
        .map(rows -> {
          List<ClaimedItem> items = new ArrayList<>(rows.size());
          for (Row r : rows) {
            io.vertx.mutiny.core.buffer.Buffer body = r.getBuffer("body");
            OffsetDateTime received = r.getOffsetDateTime("received_at");
            items.add(new ClaimedItem(new DeliveryItem(r.getUUID("id"), namespace, r.getString("route"),
                r.getString("event_id"), r.getString("method"), r.getString("url"), r.getString("path_suffix"),
                Header.fromJson(r.getValue("headers")), body == null ? new byte[0] : body.getBytes(),
                received == null ? null : received.toInstant(), r.getInteger("event_attempt"),
                r.getLong("item_token"), r.getBoolean("after_interruption")), r.getInteger("item_attempts")));
          }
          return items;
        });
  }

  /**
   * Journals finished attempts and moves their items, events and the replay's counts on, in one commit. Each
   * write's lease token is its item's.
   */
  Uni<Integer> recordOutcomes(UUID id, String name, String namespace, List<OutcomeWrite> outcomes) {
    OutcomeColumns o = OutcomeColumns.of(outcomes);
    AttemptColumns a = o.attempts();
    Tuple params = Tuple.tuple(Arrays.asList(id, name, namespace, a.eventIds(), a.numbers(), a.workers(),
        a.destinations(), a.started(), a.durations(), a.codes(), a.errorClasses(), a.errors(), a.outcomes(),
        a.responseHeaders(), a.responseBodies(), o.tokens(), o.states(), o.delays(), o.claimed()));
    return pool.preparedQuery(OUTCOMES).execute(params).map(RowSet::rowCount);
  }

  /** Gives back claimed items that were never attempted, due at once, their claim not counted as an attempt. */
  Uni<Integer> release(UUID id, List<ClaimedItem> items) {
    if (items.isEmpty()) {
      return Uni.createFrom().item(0);
    }
    UUID[] ids = items.stream().map(i -> i.delivery().id()).toArray(UUID[]::new);
    Long[] tokens = items.stream().map(i -> i.delivery().leaseToken()).toArray(Long[]::new);
    Integer[] numbers = items.stream().map(i -> i.delivery().attempt()).toArray(Integer[]::new);
    return pool.preparedQuery(RELEASE).execute(Tuple.of(id, ids, tokens, numbers)).map(RowSet::rowCount);
  }
}
