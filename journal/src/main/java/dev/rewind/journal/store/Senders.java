package dev.rewind.journal.store;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code senders} table: each sidecar records its pod, workload and labels when it starts and refreshes the
 * row while it runs, so a trace can say who sent an event without every event carrying the pod's labels.
 */
public final class Senders {

  private static final String RECORD = """
      INSERT INTO rewind.senders (namespace, pod, workload, labels, seen_at) VALUES ($1, $2, $3, $4::text::jsonb, now())
      ON CONFLICT (namespace, pod) DO UPDATE
      SET workload = EXCLUDED.workload, labels = EXCLUDED.labels, seen_at = EXCLUDED.seen_at
      """;

  private final Pool pool;

  public Senders(Pool pool) {
    this.pool = pool;
  }

  /** Records the sender, or refreshes it: its workload and labels as they are now, seen now. */
  public Uni<Void> record(Sender sender) {
    return pool.preparedQuery(RECORD)
        .execute(Tuple.of(sender.namespace(), sender.pod(), sender.workload(),
            new JsonObject(new LinkedHashMap<>(sender.labels())).encode()))
        .replaceWithVoid();
  }

  public Uni<Optional<Sender>> find(String namespace, String pod) {
    if (pod == null) {
      return Uni.createFrom().item(Optional.empty());
    }
    return pool.preparedQuery("SELECT namespace, pod, workload, labels FROM rewind.senders"
            + " WHERE namespace = $1 AND pod = $2")
        .execute(Tuple.of(namespace, pod))
        .map(rows -> rows.size() == 0 ? Optional.<Sender>empty() : Optional.of(sender(rows.iterator().next())));
  }

  /** Forgets pods not seen for longer than {@code age}; returns how many went. */
  public Uni<Integer> forgetUnseenFor(Duration age) {
    return pool.preparedQuery("DELETE FROM rewind.senders WHERE seen_at < now() - $1 * interval '1 millisecond'")
        .execute(Tuple.of(age.toMillis()))
        .map(RowSet::rowCount);
  }

  private static Sender sender(Row row) {
    Map<String, String> labels = new LinkedHashMap<>();
    Object json = row.getValue("labels");
    JsonObject object = json instanceof JsonObject o ? o : new JsonObject(String.valueOf(json));
    object.forEach(entry -> labels.put(entry.getKey(), String.valueOf(entry.getValue())));
    return new Sender(row.getString("namespace"), row.getString("pod"), row.getString("workload"), labels);
  }
}
