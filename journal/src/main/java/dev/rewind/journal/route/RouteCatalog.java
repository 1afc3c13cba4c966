package dev.rewind.journal.route;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The resolved routes the operator publishes to the store for the sidecars of each namespace. Publishing a route
 * that did not change writes nothing (so no notification storm on resync); every real change notifies channel
 * {@code rewind_routes} with the namespace, and sidecars of that namespace reload.
 */
public final class RouteCatalog {

  public static final String CHANNEL = "rewind_routes";

  private static final Logger LOG = Logger.getLogger(RouteCatalog.class);

  private static final String UPSERT = """
      INSERT INTO rewind.routes (namespace, name, generation, policy_generation, workloads, spec)
      VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)
      ON CONFLICT (namespace, name) DO UPDATE SET
          generation = EXCLUDED.generation, policy_generation = EXCLUDED.policy_generation,
          workloads = EXCLUDED.workloads, spec = EXCLUDED.spec, published_at = now()
      WHERE rewind.routes.generation IS DISTINCT FROM EXCLUDED.generation
         OR rewind.routes.policy_generation IS DISTINCT FROM EXCLUDED.policy_generation
         OR rewind.routes.workloads IS DISTINCT FROM EXCLUDED.workloads
         OR rewind.routes.spec IS DISTINCT FROM EXCLUDED.spec
      """;

  private final Pool pool;

  public RouteCatalog(Pool pool) {
    this.pool = pool;
  }

  /** Publishes (or updates) a route; returns whether anything changed. */
  public Uni<Boolean> publish(ResolvedRoute route) {
    List<String> workloads = route.spec().getWorkloads();
    return pool.preparedQuery(UPSERT)
        .execute(Tuple.of(route.namespace(), route.name(), route.generation(), route.policyGeneration(),
            workloads == null || workloads.isEmpty() ? null : workloads.toArray(String[]::new),
            RouteCodec.encode(route)))
        .map(rows -> rows.rowCount() > 0);
  }

  /** Removes a route: sidecars stop capturing for it; its journaled events stay, queryable and replayable. */
  public Uni<Boolean> unpublish(String namespace, String name) {
    return pool.preparedQuery("DELETE FROM rewind.routes WHERE namespace = $1 AND name = $2")
        .execute(Tuple.of(namespace, name))
        .map(rows -> rows.rowCount() > 0);
  }

  /** Every published route of a namespace. */
  public Uni<List<ResolvedRoute>> load(String namespace) {
    return pool.preparedQuery("SELECT namespace, name, generation, spec::text AS spec FROM rewind.routes"
            + " WHERE namespace = $1 ORDER BY name")
        .execute(Tuple.of(namespace))
        .map(RouteCatalog::routes);
  }

  /** Every published route, for the operator's full resync. */
  public Uni<List<ResolvedRoute>> loadAll() {
    return pool.query("SELECT namespace, name, generation, spec::text AS spec FROM rewind.routes"
            + " ORDER BY namespace, name")
        .execute()
        .map(RouteCatalog::routes);
  }

  private static List<ResolvedRoute> routes(RowSet<Row> rows) {
    List<ResolvedRoute> routes = new ArrayList<>();
    for (Row r : rows) {
      routes.add(RouteCodec.decode(r.getString("namespace"), r.getString("name"), r.getLong("generation"),
          r.getString("spec")));
    }
    return routes;
  }

  /**
   * Calls {@code onChange} whenever routes of {@code namespace} change, and after every (re)connection of the
   * listening session, since notifications sent while it was down are lost.
   */
  public static PgSubscriber listen(io.vertx.mutiny.core.Vertx vertx, PgConnectOptions options, String namespace,
      Runnable onChange) {
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, options);
    subscriber.reconnectPolicy(retries -> 1000L);
    subscriber.channel(CHANNEL)
        .subscribeHandler(onChange)
        .handler(payload -> {
          if (namespace.equals(payload)) {
            onChange.run();
          }
        });
    subscriber.closeHandler(() -> LOG.debug("Route notifications disconnected; reconnecting"));
    return subscriber;
  }

  /** Consumer-friendly form of {@link #listen}. */
  public static void connect(PgSubscriber subscriber, Consumer<Throwable> onFailure) {
    subscriber.connect().subscribe().with(v -> { }, onFailure);
  }
}
