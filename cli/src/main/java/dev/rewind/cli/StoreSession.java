package dev.rewind.cli;

import dev.rewind.journal.store.EmbeddedStore;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.Store;
import dev.rewind.journal.store.StoreConfig;
import dev.rewind.journal.store.StoreHealth;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A connection to the journal store for one command, found as the standalone sidecar would have it: the URL given,
 * else the store a running standalone sidecar advertises beside its data directory, else an embedded store started
 * on that same data directory (and stopped when the command ends).
 */
final class StoreSession implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String PASSWORD_ENV = "REWIND_STORE_PASSWORD";

  private final Vertx vertx;
  private final Store store;
  private final EmbeddedStore embedded;

  private StoreSession(Vertx vertx, Store store, EmbeddedStore embedded) {
    this.vertx = vertx;
    this.store = store;
    this.embedded = embedded;
  }

  static StoreSession open(StoreOptions options, PrintWriter err) {
    if (options.url != null) {
      return connect(options.url, false, null);
    }
    Path advertised = options.rewindDir.resolve(EmbeddedStore.URL_FILE);
    Path dataDir = options.rewindDir.resolve("pgdata");
    if (Files.isRegularFile(advertised)) {
      String url = read(advertised);
      try {
        return connect(url, false, null);
      } catch (Failures.StoreFailure e) {
        if (postmasterRunning(dataDir)) {
          // Starting our own server on that directory would stop the sidecar's: refuse instead.
          throw new Failures.StoreFailure("the store in " + dataDir + " is running but does not answer at " + url
              + "; check the sidecar, or pass --store", e.getCause());
        }
        err.println("The store advertised in " + advertised + " (" + url + ") is not running (the sidecar"
            + " stopped without removing it); using the store in " + dataDir + " directly.");
      }
    }
    EmbeddedStore embedded = EmbeddedStore.start(dataDir);
    try {
      return connect(embedded.url(), true, embedded);
    } catch (RuntimeException e) {
      embedded.close();
      throw e;
    }
  }

  private static StoreSession connect(String url, boolean migrate, EmbeddedStore embedded) {
    StoreConfig config;
    try {
      config = StoreConfig.fromUrl(url, System.getenv(PASSWORD_ENV), 4, migrate, TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw new Failures.Invalid("--store: " + e.getMessage());
    }
    Vertx vertx = Vertx.vertx();
    Store store = new Store(vertx, config);
    try {
      StoreHealth health = store.health().await().atMost(TIMEOUT.multipliedBy(2));
      if (!health.reachable()) {
        throw new Failures.StoreFailure("cannot reach the journal store at " + config, new IllegalStateException(
            health.detail()));
      }
      store.prepare().await().atMost(Duration.ofMinutes(2));
    } catch (RuntimeException e) {
      store.close();
      vertx.closeAndAwait();
      throw e instanceof Failures.StoreFailure ? e
          : new Failures.StoreFailure("cannot use the journal store at " + config, e);
    }
    return new StoreSession(vertx, store, embedded);
  }

  /** Whether a PostgreSQL server still runs on the data directory (its postmaster.pid names a live process). */
  private static boolean postmasterRunning(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return false;
    }
    String first = read(pidFile).lines().findFirst().orElse("").trim();
    try {
      return ProcessHandle.of(Long.parseLong(first))
          .map(p -> p.isAlive() && p.info().command().orElse("").contains("postgres"))
          .orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  Store store() {
    return store;
  }

  EventStore events() {
    return new EventStore(store.pool());
  }

  @Override
  public void close() {
    store.close();
    vertx.closeAndAwait();
    if (embedded != null) {
      embedded.close();
    }
  }
}
