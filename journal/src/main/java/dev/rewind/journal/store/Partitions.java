package dev.rewind.journal.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The day partitions of the journal (V7__partitioned_journal.sql): created ahead of capture by whatever runs
 * {@link Retention}, and when a migrating process prepares the store, so a new journal has today's at once.
 * Events of a day without its partition still land (in the default partition); creating the day later moves them.
 */
public final class Partitions {

  private static final String ENSURE = "SELECT rewind.ensure_partitions(now() - interval '1 day',"
      + " now() + $1 * interval '1 millisecond')";

  private Partitions() {}

  /** Creates the missing day partitions from yesterday to {@link Retention#AHEAD} from now. */
  public static Uni<Void> ensureAhead(Pool pool) {
    return pool.preparedQuery(ENSURE).execute(Tuple.of(Retention.AHEAD.toMillis())).replaceWithVoid();
  }
}
