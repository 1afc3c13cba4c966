package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.operator.model.Orphans;
import dev.rewind.operator.model.Orphans.RouteKey;
import dev.rewind.operator.store.RouteStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The safety net behind the Route finalizer: unpublishes routes that are in the store although their Route no
 * longer exists. Reads the store first and the API server second (never an informer cache, which may not have
 * synced), so a Route created meanwhile is never taken for an orphan.
 */
public final class OrphanRouteSweeper {

  private static final Logger LOG = Logger.getLogger(OrphanRouteSweeper.class);

  private final KubernetesClient client;
  private final RouteStore store;
  private final Set<String> namespaces;

  /** @param namespaces the namespaces this operator is responsible for; empty means all */
  public OrphanRouteSweeper(KubernetesClient client, RouteStore store, Set<String> namespaces) {
    this.client = client;
    this.store = store;
    this.namespaces = Set.copyOf(namespaces);
  }

  /** Unpublishes every orphaned route; returns them. */
  public List<RouteKey> sweep() {
    List<RouteKey> published = store.published();
    Set<String> publishedNamespaces = published.stream().map(RouteKey::namespace)
        .filter(ns -> namespaces.isEmpty() || namespaces.contains(ns))
        .collect(Collectors.toCollection(TreeSet::new));
    if (publishedNamespaces.isEmpty()) {
      return List.of();
    }
    List<RouteKey> orphans = Orphans.find(published, existingRoutes(publishedNamespaces), namespaces);
    for (RouteKey orphan : orphans) {
      if (store.unpublish(orphan.namespace(), orphan.name())) {
        LOG.infof("%s: unpublished; its Route no longer exists (its journaled events stay)", orphan);
      }
    }
    return orphans;
  }

  /** The Route names of each namespace: one list call for the cluster, or one per watched namespace. */
  private Map<String, Set<String>> existingRoutes(Set<String> of) {
    Map<String, Set<String>> existing = new HashMap<>();
    of.forEach(ns -> existing.put(ns, new HashSet<>()));
    List<Route> routes = namespaces.isEmpty()
        ? client.resources(Route.class).inAnyNamespace().list().getItems()
        : of.stream().flatMap(ns -> client.resources(Route.class).inNamespace(ns).list().getItems().stream())
            .toList();
    routes.forEach(r -> {
      Set<String> names = existing.get(r.getMetadata().getNamespace());
      if (names != null) {
        names.add(r.getMetadata().getName());
      }
    });
    return existing;
  }
}
