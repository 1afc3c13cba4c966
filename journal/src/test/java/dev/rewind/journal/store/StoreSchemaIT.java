package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Upgrading a journal that holds events, and refusing a migration edited after it was applied. */
class StoreSchemaIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A fresh database with only the first migration applied, as a store of the first release is. */
  private static TestStore atFirstVersion() {
    return StoreAtVersion.create(1);
  }

  @Test
  void aStoreOfTheFirstVersionIsMigratedToTheCurrentOneAndKeepsItsEvents() {
    try (TestStore store = atFirstVersion()) {
      // As version 1 had it (TestStore.completedEvent writes the current schema's columns).
      store.column("INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body,"
          + " received_at, state, completed_at) VALUES (gen_random_uuid(), 'default', 'r', 'kept', 'POST',"
          + " 'http://x/', '[]', '\\x7b7d', now(), 'dead', now() - interval '1 day') RETURNING id");
      assertThat(StoreSchema.version(store.store.pool()).await().atMost(WAIT)).isEqualTo(1);

      int version = StoreSchema.migrate(store.store.pool()).await().atMost(WAIT);

      assertThat(version).isEqualTo(StoreSchema.CURRENT_VERSION).isGreaterThan(1);
      assertThat(store.column("SELECT event_id FROM rewind.events")).containsExactly("kept");
      assertThat(store.column("SELECT died::text FROM rewind.events")).as("a dead event, in its died leaf")
          .containsExactly("true");
      assertThat(store.column("SELECT version::text FROM rewind.schema_history ORDER BY version"))
          .hasSize(StoreSchema.CURRENT_VERSION);
      // Migrating again changes nothing.
      assertThat(StoreSchema.migrate(store.store.pool()).await().atMost(WAIT)).isEqualTo(version);
    }
  }

  @Test
  void aMigrationEditedAfterItWasAppliedIsRefused() {
    try (TestStore store = atFirstVersion()) {
      store.column("UPDATE rewind.schema_history SET checksum = 'edited' RETURNING version");

      assertThatThrownBy(() -> StoreSchema.migrate(store.store.pool()).await().atMost(WAIT))
          .hasMessageContaining("journal migration V1 was changed after it was applied");
      assertThat(StoreSchema.version(store.store.pool()).await().atMost(WAIT)).isEqualTo(1);
      assertThat(store.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'rewind' AND tablename = 'senders'"))
          .as("nothing of the later migrations applied").isZero();
    }
  }

  @Test
  void aProcessThatMayNotMigrateIsToldTheSchemaIsBehindUntilItIsMigrated() {
    String database = EmbeddedPostgres.newDatabase();
    io.vertx.mutiny.core.Vertx vertx = io.vertx.mutiny.core.Vertx.vertx();
    StoreConfig readOnly = new StoreConfig("127.0.0.1", EmbeddedPostgres.port(), database, "postgres", null, 2, false,
        Duration.ofSeconds(2));
    try (Store sidecar = new Store(vertx, readOnly); TestStore operator = TestStore.attach(database)) {
      // A new store, before the operator's first use of it: the sidecar's start waits on this exception type.
      assertThatThrownBy(() -> sidecar.prepare().await().atMost(WAIT))
          .isInstanceOfSatisfying(SchemaBehindException.class, e -> assertThat(e.version()).isZero())
          .hasMessageContaining("let the operator");

      operator.store.prepare().await().atMost(WAIT);

      assertThat(sidecar.prepare().await().atMost(WAIT)).isEqualTo(StoreSchema.CURRENT_VERSION);
    } finally {
      vertx.closeAndAwait();
    }
  }
}
