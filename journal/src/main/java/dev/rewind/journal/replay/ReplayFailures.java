package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads how a replay's given-up events failed, for its terminal message: the last attempt of each dead item,
 * grouped by error class and text, the most common group first. One statement over the replay's own attempts
 * ({@code attempts_replay}), run only when a replay ended with given-up events; once it ended, no attempt of it
 * changes any more, so the answer is the same on every read.
 */
public final class ReplayFailures {

  private static final String MOST_COMMON = """
      WITH last AS (
          SELECT DISTINCT ON (a.event_id) a.error_class, a.status_code, coalesce(a.error, a.outcome) AS error,
              a.destination
          FROM rewind.attempts a
          JOIN rewind.replay_items i ON i.replay_id = a.replay_id AND i.event_id = a.event_id AND i.state = 'dead'
          WHERE a.replay_id = $1
          ORDER BY a.event_id, a.number DESC)
      SELECT error_class, CASE WHEN status_code IS NULL THEN error ELSE status_code::text END AS detail,
          min(destination) AS destination, count(*) AS n
      FROM last
      GROUP BY 1, 2
      ORDER BY n DESC, 1 NULLS FIRST, 2
      LIMIT 1
      """;

  private final Pool pool;

  public ReplayFailures(Pool pool) {
    this.pool = pool;
  }

  /** The most common failure of the replay's given-up events; empty when none was given up on. */
  public Uni<Optional<ReplayFailureSummary>> mostCommon(UUID replayId) {
    return pool.preparedQuery(MOST_COMMON).execute(Tuple.of(replayId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new ReplayFailureSummary(row.getLong("n"), row.getString("error_class"),
          row.getString("detail"), row.getString("destination")));
    });
  }

  /**
   * The view of a replay, with its failure summary when it ended with given-up events: what every status read
   * of a replay answers.
   */
  public Uni<ReplayStatusView> view(ReplayRecord replay) {
    boolean gaveUp = replay.phase() == ReplayPhase.Failed || replay.phase() == ReplayPhase.PartiallyFailed;
    if (!gaveUp || replay.failed() == 0) {
      return Uni.createFrom().item(ReplayStatusView.of(replay));
    }
    return mostCommon(replay.id()).map(summary -> ReplayStatusView.of(replay, summary.orElse(null)));
  }
}
