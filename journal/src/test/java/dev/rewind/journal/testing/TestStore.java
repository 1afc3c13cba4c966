package dev.rewind.journal.testing;

import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.Store;
import dev.rewind.journal.store.StoreConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A migrated journal in a fresh database of the embedded PostgreSQL, with a Vert.x to run on. */
public final class TestStore implements AutoCloseable {

  public final Vertx vertx;
  public final String database;
  public final Store store;
  public final EventStore events;

  private TestStore(Vertx vertx, String database, Store store) {
    this.vertx = vertx;
    this.database = database;
    this.store = store;
    this.events = new EventStore(store.pool());
  }

  public static TestStore create() {
    String database = EmbeddedPostgres.newDatabase();
    Vertx vertx = Vertx.vertx();
    Store store = new Store(vertx, config(database));
    store.prepare().await().atMost(Duration.ofSeconds(30));
    return new TestStore(vertx, database, store);
  }

  /** A connection to an existing (already migrated) test database. */
  public static TestStore attach(String database) {
    Vertx vertx = Vertx.vertx();
    return new TestStore(vertx, database, new Store(vertx, config(database)));
  }

  public static StoreConfig config(String database) {
    return new StoreConfig("127.0.0.1", EmbeddedPostgres.port(), database, "postgres", null, 8, true,
        Duration.ofSeconds(2));
  }

  /** The store URL, for processes started by a test. */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + EmbeddedPostgres.port() + "/" + database;
  }

  /** Runs a query and returns the first column of every row, as text: independent checks of what is stored. */
  public List<String> column(String sql, Object... params) {
    RowSet<Row> rows = store.pool().preparedQuery(sql).execute(Tuple.from(params)).await()
        .atMost(Duration.ofSeconds(30));
    List<String> values = new ArrayList<>();
    rows.forEach(r -> values.add(r.getValue(0) == null ? null : String.valueOf(r.getValue(0))));
    return values;
  }

  public long count(String sql, Object... params) {
    return Long.parseLong(column(sql, params).get(0));
  }

  /**
   * Writes an event of namespace {@code default}, route {@code r} straight into the journal, in {@code state},
   * completed {@code completedAgo} (a PostgreSQL interval such as {@code 8 days}) ago, or not completed when null:
   * retention tests need events older than any test runs.
   */
  public void completedEvent(String eventId, String state, String completedAgo) {
    column("INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body, received_at,"
        + " state, completed_at, died) VALUES (gen_random_uuid(), 'default', 'r', $1, 'POST', 'http://x/', '[]',"
        + " '\\x7b7d', now(), $2, CASE WHEN $3::text IS NULL THEN NULL ELSE now() - $3::interval END, $2 = 'dead')"
        + " RETURNING id", eventId, state, completedAgo);
  }

  @Override
  public void close() {
    store.close();
    vertx.closeAndAwait();
  }
}
