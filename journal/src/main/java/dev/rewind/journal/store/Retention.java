package dev.rewind.journal.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;

/**
 * Deletes what the journal no longer needs: delivered events (with their attempts) some days after delivery, dead
 * events much later, since they are what a replay is for. Pending, failed and in-flight events are never
 * deleted, nor any event a running replay still holds. Deletion goes in small batches through the
 * {@code events_completed} index, so it never locks much at once; run it periodically from one process (the
 * operator's leader in a cluster, the sidecar standalone).
 *
 * <p>Senders (a pod's workload and labels, for traces) are forgotten once their pod has not been seen for longer
 * than completed events are kept: by then the events it sent have, as a rule, gone too. Running sidecars refresh
 * theirs every {@link #SENDER_REFRESH}.
 *
 * @param delivered how long delivered events are kept after delivery
 * @param dead how long dead events are kept after they died
 */
public record Retention(Duration delivered, Duration dead) {

  public static final Retention DEFAULT = new Retention(Duration.ofDays(7), Duration.ofDays(30));

  /** How often a running sidecar tells the journal it is still there; far below any retention period. */
  public static final Duration SENDER_REFRESH = Duration.ofHours(1);

  private static final int BATCH = 5_000;

  private static final String DELETE = """
      DELETE FROM rewind.events WHERE id IN (
          SELECT e.id FROM rewind.events e
          WHERE e.completed_at IS NOT NULL AND e.state = $1
            AND e.completed_at < now() - $2 * interval '1 millisecond'
            AND NOT EXISTS (
                SELECT 1 FROM rewind.replay_items i JOIN rewind.replays r ON r.id = i.replay_id
                WHERE i.event_id = e.id AND r.phase IN ('Pending', 'Running'))
          LIMIT $3)
      """;

  /** Deletes expired events batch by batch until none is left; returns how many went. */
  public Uni<Long> apply(Pool pool) {
    return sweep(pool, "delivered", delivered, 0L)
        .chain(n -> sweep(pool, "dead", dead, n))
        .call(() -> new Senders(pool).forgetUnseenFor(longest().plus(SENDER_REFRESH)));
  }

  private Duration longest() {
    return delivered.compareTo(dead) >= 0 ? delivered : dead;
  }

  private Uni<Long> sweep(Pool pool, String state, Duration age, long soFar) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(state, age.toMillis(), BATCH))
        .map(RowSet::rowCount)
        .chain(deleted -> deleted < BATCH
            ? Uni.createFrom().item(soFar + deleted)
            : sweep(pool, state, age, soFar + deleted));
  }
}
