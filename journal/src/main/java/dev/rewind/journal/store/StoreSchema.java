package dev.rewind.journal.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Versioned migrations of the journal schema ({@code db/rewind/V<n>__<name>.sql}, listed in migrations.txt).
 *
 * <p>Every sidecar and the operator may start at once against the same store, so migrations run in one
 * transaction under an advisory lock; PostgreSQL DDL is transactional, so a failed migration leaves nothing half
 * applied. Applied migrations are recorded with a checksum and an edited one is refused. We do this in a hundred
 * lines over the reactive client instead of pulling Flyway and a JDBC driver into a sidecar that must stay small.
 */
public final class StoreSchema {

  /** The schema version this build reads and writes. */
  public static final int CURRENT_VERSION = 8;

  private static final Logger LOG = Logger.getLogger(StoreSchema.class);
  private static final long LOCK_KEY = 0x7265_7769_6e64L; // "rewind"

  record Migration(int version, String description, String sql, String checksum) {}

  private StoreSchema() {}

  /** Applies pending migrations; returns the schema version afterwards. */
  public static Uni<Integer> migrate(Pool pool) {
    List<Migration> migrations = load();
    return pool.withTransaction(conn -> conn.query("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").execute()
        .chain(() -> conn.query("CREATE SCHEMA IF NOT EXISTS rewind").execute())
        .chain(() -> conn.query("CREATE TABLE IF NOT EXISTS rewind.schema_history ("
            + " version integer PRIMARY KEY, description text NOT NULL, checksum text NOT NULL,"
            + " applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .chain(() -> conn.query("SELECT version, checksum FROM rewind.schema_history").execute())
        .chain(rows -> {
          Map<Integer, String> applied = new TreeMap<>();
          for (Row row : rows) {
            applied.put(row.getInteger("version"), row.getString("checksum"));
          }
          return applyPending(conn, migrations, applied);
        }));
  }

  /**
   * The version of the schema in the store, for processes that must not migrate (a least-privilege store user):
   * they refuse to start against an older schema rather than fail on the first write.
   */
  public static Uni<Integer> version(Pool pool) {
    return pool.query("SELECT COALESCE(max(version), 0) AS v FROM rewind.schema_history").execute()
        .map(rows -> rows.iterator().next().getInteger("v"))
        .onFailure().recoverWithItem(0);
  }

  private static Uni<Integer> applyPending(SqlConnection conn, List<Migration> migrations,
      Map<Integer, String> applied) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    int version = 0;
    for (Migration migration : migrations) {
      String checksum = applied.get(migration.version());
      if (checksum != null) {
        if (!checksum.equals(migration.checksum())) {
          return Uni.createFrom().failure(new IllegalStateException("journal migration V" + migration.version()
              + " was changed after it was applied (checksum " + checksum + " in the store, "
              + migration.checksum() + " in this build); add a new migration instead of editing an applied one"));
        }
      } else {
        chain = chain
            .invoke(() -> LOG.infof("Applying journal migration V%d %s", migration.version(),
                migration.description()))
            .chain(() -> conn.query(migration.sql()).execute())
            .chain(() -> conn.preparedQuery(
                    "INSERT INTO rewind.schema_history (version, description, checksum) VALUES ($1, $2, $3)")
                .execute(Tuple.of(migration.version(), migration.description(), migration.checksum())))
            .replaceWithVoid();
      }
      version = migration.version();
    }
    int finalVersion = Math.max(version, applied.keySet().stream().max(Integer::compare).orElse(0));
    if (finalVersion > CURRENT_VERSION) {
      return Uni.createFrom().failure(new IllegalStateException("the journal schema is at version " + finalVersion
          + ", newer than this build understands (" + CURRENT_VERSION + "); upgrade Rewind"));
    }
    return chain.replaceWith(finalVersion);
  }

  static List<Migration> load() {
    List<Migration> migrations = new ArrayList<>();
    for (String file : resource("migrations.txt").lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
      int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
      String description = file.substring(file.indexOf("__") + 2, file.length() - 4).replace('_', ' ');
      String sql = resource(file);
      migrations.add(new Migration(version, description, sql, sha256(sql)));
    }
    return migrations;
  }

  private static String resource(String name) {
    try (InputStream in = StoreSchema.class.getResourceAsStream("/db/rewind/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing journal migration resource db/rewind/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
