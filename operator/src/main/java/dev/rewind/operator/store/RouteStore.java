package dev.rewind.operator.store;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteCatalog;
import dev.rewind.journal.store.Store;
import dev.rewind.operator.model.Orphans.RouteKey;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The operator's side of the journal store: publish, unpublish and list resolved routes. No Kubernetes types here.
 *
 * <p>Every call waits at most the configured timeout, so a store that hangs holds a reconciliation thread for
 * seconds, not forever; a failure is a {@link StoreUnavailableException}, which the reconciler lets JOSDK retry
 * with backoff. The schema is migrated once, on the first call that reaches the store: an operator started while
 * the store is down comes up anyway and catches up when the store does.
 */
public final class RouteStore {

  private final Store store;
  private final RouteCatalog catalog;
  private final Duration timeout;
  private final AtomicReference<Uni<Integer>> schema = new AtomicReference<>();

  public RouteStore(Store store, Duration timeout) {
    this.store = store;
    this.catalog = new RouteCatalog(store.pool());
    this.timeout = timeout;
  }

  /** Publishes a resolved route; returns whether the store changed (false: it was already there as is). */
  public boolean publish(ResolvedRoute route) {
    return await("publish " + route.namespace() + "/" + route.name(),
        prepared().chain(() -> catalog.publish(route)));
  }

  /** Removes a route from the store; returns whether it was there. Its journaled events stay. */
  public boolean unpublish(String namespace, String name) {
    return await("unpublish " + namespace + "/" + name,
        prepared().chain(() -> catalog.unpublish(namespace, name)));
  }

  /** The namespace and name of every published route. */
  public List<RouteKey> published() {
    return await("list published routes", prepared().chain(catalog::loadAll))
        .stream().map(r -> new RouteKey(r.namespace(), r.name())).toList();
  }

  /** Every published route of a namespace, as the sidecars read them. */
  public List<ResolvedRoute> load(String namespace) {
    return await("load the routes of " + namespace, prepared().chain(() -> catalog.load(namespace)));
  }

  /** Migrates the schema on first use; a failed attempt is forgotten so the next call tries again. */
  private Uni<Integer> prepared() {
    // Deferred: nothing runs until the first subscription (a lost race here costs nothing, and whatever prepare
    // throws becomes a failure of this call); memoize makes later calls free.
    Uni<Integer> attempt = schema.updateAndGet(current -> current != null ? current
        : Uni.createFrom().deferred(store::prepare).memoize().indefinitely());
    return attempt.onFailure().invoke(e -> schema.compareAndSet(attempt, null));
  }

  private <T> T await(String what, Uni<T> operation) {
    try {
      return operation.await().atMost(timeout);
    } catch (RuntimeException e) {
      // The message ends up in the Route's status, which every user of the namespace reads: it names what failed,
      // not where the store is (the operator logs that at start).
      throw new StoreUnavailableException("journal store: cannot " + what + ": " + describe(e), e);
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof io.smallrye.mutiny.TimeoutException) {
      return "no answer in time";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
