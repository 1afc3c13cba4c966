package dev.rewind.journal.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The connection pool to the journal store, and the checks that decide whether an acknowledgement can be trusted.
 *
 * <p>Every session asks for {@code synchronous_commit = on} at connect time, so a commit returns only once the
 * WAL record is flushed, whatever the server default. {@link #health()} still reads the effective value, because a
 * connection pooler in front of PostgreSQL may drop startup parameters.
 */
public final class Store implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Store.class);

  private final Vertx vertx;
  private final StoreConfig config;
  private final PgConnectOptions connectOptions;
  private final Pool pool;

  public Store(Vertx vertx, StoreConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.connectOptions = new PgConnectOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setDatabase(config.database())
        .setUser(config.user())
        .setPassword(config.password() == null ? "" : config.password())
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.writeTimeout().toMillis()))
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256)
        .setProperties(Map.of("synchronous_commit", "on", "application_name", "rewind",
            // Idempotent DDL (CREATE ... IF NOT EXISTS) would otherwise log a notice on every start.
            "client_min_messages", "warning"));
    var builder = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(config.poolSize()).setName("rewind-journal")
            .setConnectionTimeout((int) Math.max(1, config.writeTimeout().toSeconds()))
            .setMaxWaitQueueSize(10_000));
    if (config.credentialsDir() == null) {
      builder.connectingTo(connectOptions);
    } else {
      // Per connection: a rotated password is used by the next connection (MountedCredentials).
      builder.connectingTo(() -> Uni.createFrom().item(() -> (SqlConnectOptions) connectOptions()));
    }
    this.pool = builder.using(vertx).build();
  }

  public Pool pool() {
    return pool;
  }

  public Vertx vertx() {
    return vertx;
  }

  public StoreConfig config() {
    return config;
  }

  /** How to connect now: with credentials from a mounted Secret, as it reads at this moment. */
  public PgConnectOptions connectOptions() {
    if (config.credentialsDir() == null) {
      return connectOptions;
    }
    MountedCredentials.Credentials credentials = MountedCredentials.read(config.credentialsDir(), config.user());
    return new PgConnectOptions(connectOptions).setUser(credentials.user()).setPassword(credentials.password());
  }

  /** Migrates (or, without the right to, checks) the schema; fails when this build cannot use the store. */
  public Uni<Integer> prepare() {
    if (config.migrate()) {
      // Today's and the coming days' partitions at once, not only at the first retention run. Not a reason to
      // refuse to start: without them events land in the default partition, and retention creates them later.
      return StoreSchema.migrate(pool).call(() -> Partitions.ensureAhead(pool).onFailure().recoverWithUni(e -> {
        LOG.warnf("Could not create the journal's day partitions ahead (%s); the next retention run will",
            e.getMessage());
        return Uni.createFrom().voidItem();
      }));
    }
    return StoreSchema.version(pool).invoke(version -> {
      if (version < StoreSchema.CURRENT_VERSION) {
        throw new SchemaBehindException("the journal schema in " + config + " is at version " + version
            + " but this build needs " + StoreSchema.CURRENT_VERSION
            + "; let the operator (or a process with rewind.store.migrate=true) migrate it first", version);
      }
    });
  }

  /** Whether the store answers and commits durably. Bounded by the write timeout so a probe never hangs. */
  public Uni<StoreHealth> health() {
    return pool.query("SELECT current_setting('synchronous_commit') AS sc, current_setting('fsync') AS fs")
        .execute()
        .map(rows -> {
          Row row = rows.iterator().next();
          String synchronousCommit = row.getString("sc");
          String fsync = row.getString("fs");
          return StoreHealth.of(synchronousCommit, fsync);
        })
        .ifNoItem().after(config.writeTimeout()).fail()
        .onFailure().recoverWithItem(e -> {
          LOG.debugf(e, "Journal store %s unreachable", config);
          return StoreHealth.unreachable(e.getClass().getSimpleName() + ": " + e.getMessage());
        });
  }

  public Duration writeTimeout() {
    return config.writeTimeout();
  }

  @Override
  public void close() {
    pool.closeAndAwait();
  }
}
