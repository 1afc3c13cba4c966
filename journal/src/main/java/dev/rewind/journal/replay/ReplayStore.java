package dev.rewind.journal.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The replays table and the fixing of a replay's matched set: a replay's phase and counts, from registration to
 * its end. Every phase change is checked against {@link ReplayStateMachine} and written with the expected current
 * phase in its WHERE clause, so concurrent processes cannot move a replay along two edges. Claims and outcome
 * writes of the items, once the set is fixed, are {@link ReplayClaims}'.
 */
public final class ReplayStore {

  private static final ObjectMapper JSON = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static final String COLUMNS = "id, namespace, name, phase, matched, delivered, failed, sample, message,"
      + " created_at, started_at, completed_at, retry_policy::text AS retry_policy";

  static final String OPEN = "('pending', 'delivering', 'failed')";

  private static final String REGISTER = """
      WITH ins AS (
          INSERT INTO rewind.replays (id, namespace, name, spec, phase)
          VALUES ($1, $2, $3, $4::text::jsonb, $5)
          ON CONFLICT (id) DO NOTHING
          RETURNING %1$s)
      SELECT * FROM ins
      UNION ALL
      SELECT %1$s FROM rewind.replays WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM ins)
      """.formatted(COLUMNS);

  // One statement, one snapshot: the count and the rows inserted are the same set, and nothing is inserted when
  // the set is larger than maxEvents.
  private static final String FIX = """
      WITH m AS MATERIALIZED (SELECT e.id FROM rewind.events e WHERE %s),
      c AS (SELECT count(*) AS n FROM m),
      ins AS (
          INSERT INTO rewind.replay_items (replay_id, event_id, state, next_attempt_at)
          SELECT $1, m.id, 'pending', now() FROM m WHERE (SELECT n FROM c) <= $2 ORDER BY m.id
          RETURNING 1)
      SELECT (SELECT n FROM c) AS matched, (SELECT count(*) FROM ins) AS inserted
      """;

  private static final String PREVIEW = """
      WITH m AS MATERIALIZED (SELECT e.id FROM rewind.events e WHERE %s)
      SELECT (SELECT count(*) FROM m) AS matched,
          (SELECT array_agg(s.id::text ORDER BY s.id) FROM (SELECT id FROM m ORDER BY id LIMIT %d) s) AS sample
      """;

  private static final String PROGRESS = """
      SELECT %1$s,
          EXISTS (SELECT 1 FROM rewind.replay_items i WHERE i.replay_id = r.id AND i.state IN %2$s) AS open,
          (SELECT (EXTRACT(EPOCH FROM min(i.next_attempt_at) - now()) * 1000)::bigint
              FROM rewind.replay_items i WHERE i.replay_id = r.id AND i.state IN %2$s) AS next_due_ms
      FROM rewind.replays r WHERE r.id = $1
      """.formatted(COLUMNS, OPEN);

  private static final String RELEASE = """
      UPDATE rewind.replay_items i SET
          state = CASE WHEN i.attempts <= 1 THEN 'pending' ELSE 'failed' END,
          attempts = i.attempts - 1, lease_owner = NULL, next_attempt_at = now()
      FROM unnest($2::uuid[], $3::bigint[]) AS t(id, tok)
      WHERE i.replay_id = $1 AND i.event_id = t.id AND i.lease_token = t.tok AND i.state = 'delivering'
      """;

  /**
   * How far a replay is, for its runner.
   *
   * @param open whether any item can still be attempted (pending, in flight, or waiting to be retried)
   * @param nextDue how long until the earliest such item is due (negative: overdue), or null when none is open
   */
  record Progress(ReplayRecord replay, boolean open, Duration nextDue) {}

  /** The largest dry-run sample kept. */
  static final int SAMPLE_SIZE = 20;

  private final Pool pool;

  public ReplayStore(Pool pool) {
    this.pool = pool;
  }

  /** Records a new replay (Pending), or returns the one already recorded under this id, unchanged. */
  public Uni<ReplayRecord> register(UUID id, String namespace, String name, ReplaySpec spec) {
    return pool.preparedQuery(REGISTER)
        .execute(Tuple.of(id, namespace, name, encode(spec), ReplayStateMachine.INITIAL.name()))
        .map(rows -> record(rows.iterator().next()));
  }

  public Uni<Optional<ReplayRecord>> find(UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rewind.replays WHERE id = $1")
        .execute(Tuple.of(id))
        .map(ReplayStore::first);
  }

  /** The most recent replay of that name in the namespace. */
  public Uni<Optional<ReplayRecord>> findByName(String namespace, String name) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rewind.replays WHERE namespace = $1 AND name = $2"
            + " ORDER BY created_at DESC LIMIT 1")
        .execute(Tuple.of(namespace, name))
        .map(ReplayStore::first);
  }

  /**
   * The namespace's latest replays, newest first (the web console's replay list). Reads through {@code
   * replays_by_name}'s leading namespace column; a namespace keeps few replays, so sorting them is cheap.
   */
  public Uni<List<ReplayRecord>> recent(String namespace, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM rewind.replays WHERE namespace = $1"
            + " ORDER BY created_at DESC, name LIMIT $2")
        .execute(Tuple.of(namespace, limit))
        .map(rows -> {
          List<ReplayRecord> records = new ArrayList<>();
          rows.forEach(row -> records.add(record(row)));
          return records;
        });
  }

  /** Whether the replay was recorded with this spec (compared as JSON, so key order and spacing do not count). */
  public Uni<Boolean> hasSpec(UUID id, ReplaySpec spec) {
    return pool.preparedQuery("SELECT spec = $2::text::jsonb AS same FROM rewind.replays WHERE id = $1")
        .execute(Tuple.of(id, encode(spec)))
        .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("same"));
  }

  /** Pending → Failed: the replay cannot start, for the reason given. */
  public Uni<ReplayRecord> refuse(UUID id, String message) {
    ReplayStateMachine.check(ReplayPhase.Pending, ReplayPhase.Failed);
    return pool.preparedQuery("UPDATE rewind.replays SET phase = 'Failed', message = $2, completed_at = now()"
            + " WHERE id = $1 AND phase = 'Pending'")
        .execute(Tuple.of(id, message))
        .chain(() -> get(id));
  }

  /**
   * Fixes a Pending replay's matched set: Pending → Running with one item per matched event, or Pending → Failed
   * when more than {@code maxEvents} matched (nothing recorded), or, for a dry run, Pending → Previewed with the
   * count and a sample. A replay that is no longer Pending is left as it is: the set is fixed once.
   *
   * @param startedAt when the replay starts: what durations in since/until counted back from
   */
  public Uni<ReplayRecord> fix(UUID id, ReplaySelection selection, int maxEvents, boolean dryRun,
      RetryPolicySpec overridePolicy, Instant startedAt) {
    return pool.withTransaction(conn -> conn
            .preparedQuery("SELECT phase FROM rewind.replays WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(id))
            .chain(rows -> {
              if (rows.size() == 0) {
                return Uni.createFrom().failure(new IllegalStateException("no replay " + id + " in the store"));
              }
              if (ReplayPhase.valueOf(rows.iterator().next().getString("phase")) != ReplayPhase.Pending) {
                return Uni.createFrom().voidItem();
              }
              return dryRun ? preview(conn, id, selection, maxEvents, startedAt)
                  : insertItems(conn, id, selection, maxEvents, overridePolicy, startedAt);
            }))
        .chain(() -> get(id));
  }

  private Uni<Void> preview(SqlConnection conn, UUID id, ReplaySelection selection, int maxEvents,
      Instant startedAt) {
    ReplaySelection.Sql sql = selection.toSql(1);
    ReplayStateMachine.check(ReplayPhase.Pending, ReplayPhase.Previewed);
    return conn.preparedQuery(PREVIEW.formatted(sql.where(), SAMPLE_SIZE))
        .execute(Tuple.tuple(sql.params()))
        .chain(rows -> {
          Row row = rows.iterator().next();
          String[] sample = row.getArrayOfStrings("sample");
          long matched = row.getLong("matched");
          // A preview says whether the real replay would be refused, so nobody learns it only when it runs.
          String warning = matched > maxEvents ? tooMany(matched, maxEvents) : null;
          return conn.preparedQuery("UPDATE rewind.replays SET phase = 'Previewed', matched = $2, sample = $3,"
                  + " started_at = $4, completed_at = now(), message = $5 WHERE id = $1 AND phase = 'Pending'")
              .execute(Tuple.of(id, matched, sample == null ? new String[0] : sample, offset(startedAt),
                  warning));
        })
        .replaceWithVoid();
  }

  private Uni<Void> insertItems(SqlConnection conn, UUID id, ReplaySelection selection, int maxEvents,
      RetryPolicySpec overridePolicy, Instant startedAt) {
    ReplaySelection.Sql sql = selection.toSql(3);
    List<Object> params = new ArrayList<>(sql.params().size() + 2);
    params.add(id);
    params.add((long) maxEvents);
    params.addAll(sql.params());
    return conn.preparedQuery(FIX.formatted(sql.where()))
        .execute(Tuple.tuple(params))
        .chain(rows -> {
          long matched = rows.iterator().next().getLong("matched");
          if (matched > maxEvents) {
            ReplayStateMachine.check(ReplayPhase.Pending, ReplayPhase.Failed);
            return conn.preparedQuery("UPDATE rewind.replays SET phase = 'Failed', matched = $2, message = $3,"
                    + " completed_at = now() WHERE id = $1 AND phase = 'Pending'")
                .execute(Tuple.of(id, matched, tooMany(matched, maxEvents)));
          }
          ReplayStateMachine.check(ReplayPhase.Pending, ReplayPhase.Running);
          return conn.preparedQuery("UPDATE rewind.replays SET phase = 'Running', matched = $2, started_at = $3,"
                  + " retry_policy = $4::text::jsonb WHERE id = $1 AND phase = 'Pending'")
              .execute(Tuple.of(id, matched, offset(startedAt),
                  overridePolicy == null ? null : encode(overridePolicy)));
        })
        .replaceWithVoid();
  }

  static String tooMany(long matched, int maxEvents) {
    return matched + " events matched, more than maxEvents " + maxEvents + "; raise maxEvents to replay them"
        + " (or narrow the selection)";
  }

  /** The replay with whether anything is left to attempt and when the next item falls due. */
  Uni<Progress> progress(UUID id) {
    return pool.preparedQuery(PROGRESS).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw new IllegalStateException("replay " + id + " is no longer in the store");
      }
      Row row = rows.iterator().next();
      Long nextDue = row.getLong("next_due_ms");
      return new Progress(record(row), row.getBoolean("open"), nextDue == null ? null : Duration.ofMillis(nextDue));
    });
  }

  /**
   * Running → Succeeded, PartiallyFailed or Failed, once no item can be attempted again. Guarded by the counts
   * the phase was computed from, so a concurrent outcome write makes this a no-op rather than a wrong verdict.
   *
   * @return the replay after the attempt, completed or not
   */
  Uni<ReplayRecord> complete(ReplayRecord seen) {
    ReplayPhase end = ReplayStateMachine.completion(seen.matched(), seen.delivered(), seen.failed());
    ReplayStateMachine.check(ReplayPhase.Running, end);
    return pool.preparedQuery("UPDATE rewind.replays SET phase = $2, completed_at = now()"
            + " WHERE id = $1 AND phase = 'Running' AND delivered = $3 AND failed = $4"
            + " AND NOT EXISTS (SELECT 1 FROM rewind.replay_items i WHERE i.replay_id = $1 AND i.state IN "
            + OPEN + ")")
        .execute(Tuple.of(seen.id(), end.name(), seen.delivered(), seen.failed()))
        .chain(() -> get(seen.id()));
  }

  /**
   * Pending or Running → Cancelled. No item is claimed afterwards, by any process; attempts in flight finish and
   * are recorded. A replay already ended is left as it is.
   */
  public Uni<Optional<ReplayRecord>> cancel(UUID id) {
    ReplayStateMachine.check(ReplayPhase.Pending, ReplayPhase.Cancelled);
    ReplayStateMachine.check(ReplayPhase.Running, ReplayPhase.Cancelled);
    return pool.preparedQuery("UPDATE rewind.replays SET phase = 'Cancelled', completed_at = now(),"
            + " message = CASE WHEN phase = 'Pending' THEN 'cancelled before it started' ELSE message END"
            + " WHERE id = $1 AND phase IN ('Pending', 'Running')")
        .execute(Tuple.of(id))
        .chain(() -> find(id));
  }

  /** Removes a replay and its items (its attempts stay in the events' logs). */
  public Uni<Boolean> delete(UUID id) {
    return pool.withTransaction(conn -> conn
        .preparedQuery("DELETE FROM rewind.replay_items WHERE replay_id = $1").execute(Tuple.of(id))
        .chain(() -> conn.preparedQuery("DELETE FROM rewind.replays WHERE id = $1").execute(Tuple.of(id)))
        .map(rows -> rows.rowCount() > 0));
  }

  private Uni<ReplayRecord> get(UUID id) {
    return find(id).map(found -> found.orElseThrow(() -> new IllegalStateException("replay " + id
        + " is no longer in the store")));
  }

  private static Optional<ReplayRecord> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(record(rows.iterator().next()));
  }

  private static ReplayRecord record(Row row) {
    String[] sample = row.getArrayOfStrings("sample");
    String policy = row.getString("retry_policy");
    return new ReplayRecord(
        row.getUUID("id"),
        row.getString("namespace"),
        row.getString("name"),
        ReplayPhase.valueOf(row.getString("phase")),
        row.getLong("matched"),
        row.getLong("delivered"),
        row.getLong("failed"),
        sample == null ? List.of() : List.of(sample),
        row.getString("message"),
        instant(row, "created_at"),
        instant(row, "started_at"),
        instant(row, "completed_at"),
        policy == null ? null : decode(policy, RetryPolicySpec.class));
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  private static OffsetDateTime offset(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static String encode(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T decode(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable: "
          + e.getOriginalMessage(), e);
    }
  }
}
