package dev.rewind.journal.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds on destinations written by one writer for every namespace (the operator, seeing a Service without ready
 * endpoints): a hold lives on a namespace's breaker row ({@link BreakerStore#hold}), so a Service named by Routes of
 * two namespaces is held in both, each on its own row.
 */
public final class DestinationHolds {

  /** A hold as stored: whose deliveries, to where, and why. */
  public record Held(String namespace, String destination, String reason) {}

  private final Pool pool;

  public DestinationHolds(Pool pool) {
    this.pool = pool;
  }

  /** See {@link BreakerStore#hold}; {@code reason} null releases. */
  public Uni<Boolean> hold(String namespace, String destination, String reason) {
    return new BreakerStore(pool, namespace).hold(destination, reason);
  }

  /** Every hold now set, in any namespace. */
  public Uni<List<Held>> held() {
    return pool.query("SELECT namespace, destination, hold_reason FROM rewind.breakers"
            + " WHERE hold_reason IS NOT NULL").execute()
        .map(rows -> {
          List<Held> list = new ArrayList<>();
          rows.forEach(r -> list.add(new Held(r.getString("namespace"), r.getString("destination"),
              r.getString("hold_reason"))));
          return list;
        });
  }
}
