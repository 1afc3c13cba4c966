package dev.rewind.journal.route;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The routes a worker serves right now, swapped as a whole when they change (a file reload, or a notification
 * from the store). Readers never see a half-updated table, and an attempt always decides with the newest policy.
 */
public final class RouteTable {

  private volatile Map<String, ResolvedRoute> routes = Map.of();
  private final List<Consumer<Map<String, ResolvedRoute>>> listeners = new CopyOnWriteArrayList<>();

  public ResolvedRoute get(String name) {
    return routes.get(name);
  }

  public List<String> names() {
    return List.copyOf(routes.keySet());
  }

  public Map<String, ResolvedRoute> all() {
    return routes;
  }

  public void replace(Map<String, ResolvedRoute> next) {
    routes = Map.copyOf(next);
    listeners.forEach(l -> l.accept(routes));
  }

  /** Called after every replacement, on the replacing thread. */
  public void onChange(Consumer<Map<String, ResolvedRoute>> listener) {
    listeners.add(listener);
  }
}
