package dev.rewind.operator.model;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Published routes whose Route no longer exists: the safety net's verdict. Normally a Route's finalizer unpublishes
 * it on deletion; this catches what slipped past (a finalizer removed by hand, a store that was down during the
 * deletion, a Route deleted while no operator ran).
 */
public final class Orphans {

  /** A published route, by namespace and name. */
  public record RouteKey(String namespace, String name) {

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  private Orphans() {}

  /**
   * @param published the routes in the store, read <em>before</em> {@code existing}, so a Route created in between
   *     cannot be mistaken for an orphan
   * @param existing the names of the Routes that exist, for every namespace looked at
   * @param namespaces the namespaces this operator is responsible for; empty means all. Routes of other namespaces
   *     belong to another operator instance and are never touched
   */
  public static List<RouteKey> find(Collection<RouteKey> published, Map<String, Set<String>> existing,
      Set<String> namespaces) {
    return published.stream()
        .filter(key -> namespaces.isEmpty() || namespaces.contains(key.namespace()))
        .filter(key -> existing.containsKey(key.namespace()))
        .filter(key -> !existing.get(key.namespace()).contains(key.name()))
        .sorted((a, b) -> a.toString().compareTo(b.toString()))
        .toList();
  }
}
