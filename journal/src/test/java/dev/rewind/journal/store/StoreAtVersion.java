package dev.rewind.journal.store;

import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;

/** A fresh database with the journal's migrations applied up to a given version, as a store of that release is. */
final class StoreAtVersion {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private StoreAtVersion() {}

  static TestStore create(int version) {
    TestStore store = TestStore.attach(EmbeddedPostgres.newDatabase());
    store.column("CREATE SCHEMA rewind");
    store.column("CREATE TABLE rewind.schema_history (version integer PRIMARY KEY, description text NOT NULL,"
        + " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    for (StoreSchema.Migration migration : StoreSchema.load()) {
      if (migration.version() > version) {
        break;
      }
      store.store.pool().query(migration.sql()).execute().await().atMost(WAIT);
      store.column("INSERT INTO rewind.schema_history (version, description, checksum) VALUES ($1, $2, $3)"
          + " RETURNING version", migration.version(), migration.description(), migration.checksum());
    }
    return store;
  }
}
