package dev.rewind.journal.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.journal.store.Store;
import dev.rewind.journal.store.StoreConfig;
import dev.rewind.journal.store.StoreSchema;
import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.TestStore;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant isolation enforced by PostgreSQL itself (V6__tenant_isolation.sql): a connection as namespace shop's
 * role, with its own password, against rows of shop and billing written by the owner. Embedded PostgreSQL's
 * superuser bypasses row-level security, so every statement under test runs as the non-superuser namespace role.
 */
class TenantIsolationIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestStore owner;
  private static TenantRoles roles;
  private static TenantPassword shopPassword;
  private static String shopRole;
  private static Store shop;

  @BeforeAll
  static void twoNamespaces() {
    EmbeddedPostgres.requirePasswords();
    owner = TestStore.create();
    roles = new TenantRoles(owner.store.pool());
    shopPassword = TenantPassword.generate();
    shopRole = roles.ensure("shop", shopPassword).await().atMost(WAIT);
    roles.ensure("billing", TenantPassword.generate()).await().atMost(WAIT);
    for (String ns : List.of("shop", "billing")) {
      owner.column("INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body,"
          + " received_at, state, died) VALUES (gen_random_uuid(), $1, 'orders', $1 || '-1', 'POST', 'http://x/',"
          + " '[]', convert_to('secret of ' || $1, 'UTF8'), now(), 'dead', true) RETURNING id", ns);
      owner.column("INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination,"
          + " started_at, duration_ms, outcome, event_died) SELECT id, namespace, 1, 'initial', 'w', url, now(), 1,"
          + " '503', died FROM rewind.events WHERE namespace = $1 RETURNING number", ns);
      owner.column("INSERT INTO rewind.senders (namespace, pod, workload) VALUES ($1, $1 || '-pod', $1)"
          + " RETURNING pod", ns);
      owner.column("INSERT INTO rewind.breakers (namespace, destination, state) VALUES ($1, 'http://x:80',"
          + " 'closed') RETURNING state", ns);
      owner.column("INSERT INTO rewind.routes (namespace, name, generation, spec) VALUES ($1, 'orders', 1,"
          + " '{}') RETURNING name", ns);
    }
    shop = login(shopRole, shopPassword.clear());
  }

  @AfterAll
  static void close() {
    if (shop != null) {
      shop.close();
    }
    owner.close();
  }

  @Test
  void shopSeesOnlyItsOwnRowsInEveryTable() {
    for (String table : List.of("events", "attempts", "senders", "breakers", "routes")) {
      assertThat(column(shop, "SELECT DISTINCT namespace FROM rewind." + table)).as(table).containsExactly("shop");
      assertThat(column(shop, "SELECT count(*) FROM rewind." + table + " WHERE namespace = 'billing'"))
          .as(table + " rows of billing, asked for by name").containsExactly("0");
    }
  }

  @Test
  void shopCannotUpdateBillingRows() {
    for (String table : List.of("events", "attempts", "senders", "breakers")) {
      String column = table.equals("events") ? "state = 'pending'" : table.equals("attempts") ? "outcome = 'x'"
          : table.equals("senders") ? "workload = 'x'" : "state = 'open'";
      assertThat(execute(shop, "UPDATE rewind." + table + " SET " + column + " WHERE namespace = 'billing'")
          .rowCount()).as("billing rows updated through " + table).isZero();
    }
    assertThat(owner.column("SELECT state FROM rewind.events WHERE namespace = 'billing'")).containsExactly("dead");
    assertThat(owner.column("SELECT state FROM rewind.breakers WHERE namespace = 'billing'"))
        .containsExactly("closed");
    assertThat(error(shop, "UPDATE rewind.events SET namespace = 'billing' WHERE namespace = 'shop'"))
        .as("moving its own row into billing").contains("row-level security");
    assertThat(error(shop, "UPDATE rewind.routes SET generation = 2"))
        .as("routes are read only for sidecars").contains("permission denied");
  }

  @Test
  void shopCannotDeleteAnything() {
    for (String table : List.of("events", "attempts", "senders", "breakers", "routes")) {
      assertThat(error(shop, "DELETE FROM rewind." + table + " WHERE namespace = 'billing'")).as(table)
          .contains("permission denied");
    }
    assertThat(owner.count("SELECT count(*) FROM rewind.events WHERE namespace = 'billing'")).isEqualTo(1);
  }

  @Test
  void shopCannotInsertBillingRows() {
    assertThat(error(shop, "INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body,"
        + " received_at, state) VALUES (gen_random_uuid(), 'billing', 'orders', 'forged', 'POST', 'http://x/',"
        + " '[]', '\\x00', now(), 'pending')")).contains("row-level security");
    assertThat(error(shop, "INSERT INTO rewind.senders (namespace, pod, workload) VALUES ('billing', 'p', 'w')"))
        .contains("row-level security");
    assertThat(error(shop, "INSERT INTO rewind.breakers (namespace, destination, state)"
        + " VALUES ('billing', 'http://y:80', 'open')")).contains("row-level security");
    String billingEvent = owner.column("SELECT id FROM rewind.events WHERE namespace = 'billing'").get(0);
    assertThat(error(shop, "INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker,"
        + " destination, started_at, duration_ms, outcome) VALUES ('" + billingEvent + "', 'billing', 2,"
        + " 'retry', 'w', 'http://x/', now(), 1, 'delivered')")).contains("row-level security");
    assertThat(error(shop, "INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker,"
        + " destination, started_at, duration_ms, outcome) VALUES ('" + billingEvent + "', 'shop', 2,"
        + " 'retry', 'w', 'http://x/', now(), 1, 'delivered')"))
        .as("an attempt of its own namespace on billing's event").contains("row-level security");
    assertThat(error(shop, "INSERT INTO rewind.routes (namespace, name, generation, spec)"
        + " VALUES ('shop', 'x', 1, '{}')")).contains("permission denied");
    assertThat(owner.count("SELECT count(*) FROM rewind.attempts WHERE namespace = 'billing'")).isEqualTo(1);
  }

  /**
   * The journal's tables are partitioned (V7; each day split in two leaves by V8): the policies hold through the
   * partitioned tables, and the partitions and leaves themselves are out of a namespace role's reach, so no query can
   * go around the policies by naming one.
   */
  @Test
  void shopCannotReachAPartitionDirectly() {
    List<String> partitions = owner.column("SELECT c.relname::text FROM pg_partition_tree('rewind.events') t"
        + " JOIN pg_class c ON c.oid = t.relid WHERE t.level > 0 UNION ALL SELECT c.relname::text"
        + " FROM pg_partition_tree('rewind.attempts') t JOIN pg_class c ON c.oid = t.relid WHERE t.level > 0");
    assertThat(partitions).contains("events_default", "attempts_default")
        .anyMatch(p -> p.matches("events_p\\d{8}")).anyMatch(p -> p.matches("events_p\\d{8}_live"))
        .anyMatch(p -> p.matches("attempts_p\\d{8}_died"));
    for (String partition : partitions) {
      assertThat(error(shop, "SELECT namespace FROM rewind." + partition)).as(partition)
          .contains("permission denied");
      assertThat(error(shop, "UPDATE rewind." + partition + " SET namespace = namespace")).as(partition)
          .contains("permission denied");
    }
    String billingDay = owner.column("SELECT tableoid::regclass::text FROM rewind.events"
        + " WHERE namespace = 'billing'").get(0);
    assertThat(error(shop, "SELECT namespace FROM " + billingDay)).contains("permission denied");
    assertThat(error(shop, "SELECT rewind.ensure_partitions(now(), now() + interval '30 days')"))
        .contains("permission denied");
    assertThat(error(shop, "SELECT rewind.drop_day(current_date, interval '0 days', interval '0 days')"))
        .contains("permission denied");
    assertThat(error(shop, "SELECT rewind.compact_leaf(current_date, 'live', interval '0 days', interval '0 days', 1)"))
        .contains("permission denied");
    assertThat(error(shop, "SELECT rewind.trim_partition('events_default', 'dead', interval '0 days', 1)"))
        .contains("permission denied");
  }

  @Test
  void shopCanWriteItsOwnRows() {
    execute(shop, "INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body,"
        + " received_at, state) VALUES (gen_random_uuid(), 'shop', 'orders', 'own', 'POST', 'http://x/',"
        + " '[]', '\\x00', now(), 'pending')");
    assertThat(execute(shop, "UPDATE rewind.events SET state = 'failed' WHERE event_id = 'own'").rowCount())
        .isEqualTo(1);
  }

  @Test
  void shopCannotReadPasswordsOrTheRoleMapping() {
    assertThat(error(shop, "SELECT rolpassword FROM pg_authid")).contains("permission denied");
    assertThat(column(shop, "SELECT DISTINCT rolpassword FROM pg_roles WHERE rolname LIKE 'rewind_%'"))
        .containsExactly("********");
    assertThat(error(shop, "SELECT * FROM rewind.tenants")).contains("permission denied");
    assertThat(column(shop, "SELECT rewind.tenant_namespace()")).as("its own namespace only")
        .containsExactly("shop");
    assertThat(error(shop, "SELECT rewind.ensure_tenant('billing', 'SCRAM-SHA-256$4096:x$y:z')"))
        .contains("permission denied");
    assertThat(error(shop, "SELECT rewind.drop_tenant('billing')")).contains("permission denied");
  }

  @Test
  void shopCannotTurnRowLevelSecurityOff() {
    assertThat(error(shop, "ALTER TABLE rewind.events DISABLE ROW LEVEL SECURITY")).contains("must be owner");
    assertThat(error(shop, "ALTER TABLE rewind.events NO FORCE ROW LEVEL SECURITY")).contains("must be owner");
    assertThat(error(shop, "DROP POLICY tenant_rows ON rewind.events")).contains("must be owner");
    assertThat(error(shop, "SET row_security = off; SELECT count(*) FROM rewind.events"))
        .contains("row-level security");
  }

  @Test
  void shopCannotRunMigrations() {
    assertThatThrownBy(() -> StoreSchema.migrate(shop.pool()).await().atMost(WAIT))
        .hasMessageContaining("permission denied");
    assertThat(error(shop, "CREATE TABLE rewind.mine (x int)")).contains("permission denied");
    assertThat(error(shop, "DELETE FROM rewind.schema_history")).contains("permission denied");
    assertThat(StoreSchema.version(shop.pool()).await().atMost(WAIT)).as("it may read the version")
        .isEqualTo(StoreSchema.CURRENT_VERSION);
  }

  /**
   * The policy costs one initplan per statement and keeps the claims' index ranges: the due-work scan as shop's
   * role still reads events_due (sequential scans off, so the tiny test table does not decide the plan), with the
   * namespace as an index condition and the policy as a filter evaluated from InitPlan 1.
   */
  @Test
  void claimScansKeepTheirIndexUnderRowLevelSecurity() {
    execute(shop, "SET enable_seqscan = off"); // the pool has one connection: the EXPLAIN runs on it
    try {
      String plan = String.join("\n", column(shop, "EXPLAIN (COSTS OFF, VERBOSE) SELECT id"
          + " FROM rewind.events WHERE namespace = 'shop' AND route = 'orders'"
          + " AND state IN ('pending', 'delivering', 'failed') AND next_attempt_at <= now()"
          + " ORDER BY next_attempt_at LIMIT 10 FOR UPDATE SKIP LOCKED"));
      assertThat(plan).contains("events_due", "InitPlan 1", "tenant_namespace()").doesNotContain("Seq Scan");
    } finally {
      execute(shop, "RESET enable_seqscan");
    }
  }

  @Test
  void aWrongPasswordIsRefused() {
    try (Store wrong = login(shopRole, "not-" + shopPassword.clear())) {
      assertThat(error(wrong, "SELECT 1")).contains("password authentication failed");
    }
  }

  /**
   * Rotation: the new password logs in, the old one no longer does, and a session opened before keeps working
   * until it reconnects. The sidecar's side: credentials read from a mounted Secret for each new connection.
   */
  @Test
  void rotationTakesEffectForNewConnectionsOnly(@TempDir Path secret) throws Exception {
    TenantPassword first = TenantPassword.generate();
    String role = roles.ensure("rotating", first).await().atMost(WAIT);
    Files.writeString(secret.resolve("username"), role);
    Files.writeString(secret.resolve("password"), first.clear() + "\n");
    StoreConfig mounted = new StoreConfig("127.0.0.1", EmbeddedPostgres.port(), owner.database, "unused", null, 1,
        false, Duration.ofSeconds(5)).withCredentialsDir(secret);
    try (Store open = new Store(owner.vertx, mounted)) {
      assertThat(column(open, "SELECT current_user")).containsExactly(role);

      TenantPassword second = TenantPassword.generate();
      assertThat(roles.ensure("rotating", second).await().atMost(WAIT)).isEqualTo(role);
      assertThat(column(open, "SELECT current_user")).as("the open session").containsExactly(role);
      try (Store old = login(role, first.clear())) {
        assertThat(error(old, "SELECT 1")).contains("password authentication failed");
      }
      Files.writeString(secret.resolve("password"), second.clear());
      try (Store fresh = new Store(owner.vertx, mounted)) {
        assertThat(column(fresh, "SELECT current_user")).as("a new connection reads the rotated file")
            .containsExactly(role);
      }
    }
  }

  /** Namespaces are Kubernetes names, but the store must not trust that: any text maps to a safe role name. */
  @Test
  void hostileNamespaceNamesMapToSafeRoles() {
    List<String> hostile = List.of(
        "a\"; DROP TABLE rewind.events; --",
        "o'brien'); DROP ROLE rewind_tenant; --",
        "x".repeat(300),
        "shöp-ü-店",
        "rewind_operator",
        "postgres",
        "SHOP",
        "billing ");
    Set<String> names = new HashSet<>(List.of(shopRole));
    for (String ns : hostile) {
      TenantPassword password = TenantPassword.generate();
      String role = roles.ensure(ns, password).await().atMost(WAIT);
      assertThat(role).as(ns).matches("rewind_[a-z0-9_]{0,24}_[0-9a-f]{20}").hasSizeLessThanOrEqualTo(63);
      assertThat(names.add(role)).as("distinct role for " + ns).isTrue();
      try (Store session = login(role, password.clear())) {
        assertThat(column(session, "SELECT rewind.tenant_namespace()")).containsExactly(ns);
        assertThat(column(session, "SELECT count(*) FROM rewind.events")).as(ns + " sees no one's events")
            .containsExactly("0");
        assertThat(error(session, "SELECT rewind.drop_tenant('shop')")).contains("permission denied");
      }
    }
    assertThat(owner.count("SELECT count(*) FROM rewind.events")).as("nothing dropped").isGreaterThanOrEqualTo(2);
    assertThat(owner.count("SELECT count(*) FROM pg_roles WHERE rolname = 'rewind_tenant'")).isEqualTo(1);
    assertThat(owner.column("SELECT rolsuper::text FROM pg_roles WHERE rolname = 'postgres'"))
        .containsExactly("true");
    for (String ns : hostile) {
      assertThat(roles.drop(ns).await().atMost(WAIT)).as("dropped " + ns).isTrue();
    }
    assertThat(owner.count("SELECT count(*) FROM pg_roles WHERE rolname = ANY($1)",
        (Object) hostile.stream().map(ns -> roles.roleName(ns).await().atMost(WAIT)).toArray(String[]::new)))
        .isZero();
  }

  @Test
  void droppingARoleEndsItsAccess() {
    TenantPassword password = TenantPassword.generate();
    String role = roles.ensure("leaving", password).await().atMost(WAIT);
    assertThat(roles.namespaces().await().atMost(WAIT)).contains("leaving", "shop", "billing");
    assertThat(roles.drop("leaving").await().atMost(WAIT)).isTrue();
    assertThat(roles.drop("leaving").await().atMost(WAIT)).as("dropped already").isFalse();
    assertThat(roles.namespaces().await().atMost(WAIT)).doesNotContain("leaving");
    try (Store gone = login(role, password.clear())) {
      assertThat(error(gone, "SELECT 1")).contains("password authentication failed");
    }
  }

  @Test
  void anExistingRoleThatIsNotANamespaceRoleIsNeverTakenOver() {
    String name = roles.roleName("victim").await().atMost(WAIT);
    EmbeddedPostgres.execute("CREATE ROLE " + name + " LOGIN");
    try {
      assertThatThrownBy(() -> roles.ensure("victim", TenantPassword.generate()).await().atMost(WAIT))
          .hasMessageContaining("is not a Rewind namespace role");
      assertThat(roles.drop("victim").await().atMost(WAIT)).isFalse();
      assertThat(owner.count("SELECT count(*) FROM pg_roles WHERE rolname = $1", name)).isEqualTo(1);
    } finally {
      EmbeddedPostgres.execute("DROP ROLE " + name);
    }
  }

  private static Store login(String user, String password) {
    return new Store(owner.vertx, new StoreConfig("127.0.0.1", EmbeddedPostgres.port(), owner.database, user,
        password, 1, false, Duration.ofSeconds(5)));
  }

  private static RowSet<Row> execute(Store store, String sql) {
    return store.pool().query(sql).execute().await().atMost(WAIT);
  }

  private static List<String> column(Store store, String sql) {
    List<String> values = new ArrayList<>();
    store.pool().preparedQuery(sql).execute(Tuple.tuple()).await().atMost(WAIT)
        .forEach(r -> values.add(String.valueOf(r.getValue(0))));
    return values;
  }

  /** The error PostgreSQL answers {@code sql} with; fails the test if it succeeds. */
  private static String error(Store store, String sql) {
    try {
      store.pool().query(sql).execute().await().atMost(WAIT);
    } catch (PgException e) {
      return e.getErrorMessage();
    }
    throw new AssertionError("expected PostgreSQL to refuse: " + sql);
  }
}
