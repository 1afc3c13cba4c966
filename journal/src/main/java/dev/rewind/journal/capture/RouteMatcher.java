package dev.rewind.journal.capture;

import dev.rewind.api.v1alpha1.route.spec.HttpMethod;
import dev.rewind.api.v1alpha1.route.spec.Match;
import dev.rewind.journal.route.ResolvedRoute;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Picks the Route that captures a request the forward proxy received. A route matches on host (exact, or
 * {@code *.suffix}; with or without port), path prefix (on segment boundaries) and method; the longest matching
 * prefix wins, then the exact host over a wildcard, then the name, so the choice never depends on load order.
 */
public final class RouteMatcher {

  /** What reads are not: events. Used when a match lists no methods. */
  public static final List<HttpMethod> DEFAULT_METHODS =
      List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private RouteMatcher() {}

  /** The capturing route and the path suffix after its prefix, or null when no route captures the request. */
  public record Captured(ResolvedRoute route, String suffix) {}

  public static Captured match(Collection<ResolvedRoute> routes, String method, String host, int port,
      String path) {
    String h = host.toLowerCase(Locale.ROOT);
    ResolvedRoute best = null;
    int bestPrefix = -1;
    boolean bestExact = false;
    for (ResolvedRoute route : routes) {
      Match match = route.spec().getMatch();
      if (match == null || !methodMatches(match, method)) {
        continue;
      }
      Boolean exact = hostMatches(match.getHost(), h, port);
      String prefix = match.getPathPrefix() == null ? "/" : match.getPathPrefix();
      if (exact == null || !pathMatches(prefix, path)) {
        continue;
      }
      boolean better = best == null
          || prefix.length() > bestPrefix
          || (prefix.length() == bestPrefix && exact && !bestExact)
          || (prefix.length() == bestPrefix && exact == bestExact && route.name().compareTo(best.name()) < 0);
      if (better) {
        best = route;
        bestPrefix = prefix.length();
        bestExact = exact;
      }
    }
    if (best == null) {
      return null;
    }
    String prefix = best.spec().getMatch().getPathPrefix() == null ? "/" : best.spec().getMatch().getPathPrefix();
    // The suffix keeps its leading slash, as explicit capture's does: "/orders" + "/42", "/" + "/hook".
    String suffix = prefix.equals("/") ? path : path.substring(Math.min(path.length(), prefix.length()));
    return new Captured(best, suffix);
  }

  private static boolean methodMatches(Match match, String method) {
    List<HttpMethod> methods = match.getMethods() == null || match.getMethods().isEmpty()
        ? DEFAULT_METHODS : match.getMethods();
    return methods.stream().anyMatch(m -> m.name().equals(method));
  }

  /** True for an exact host match, false for a wildcard match, null for no match. */
  static Boolean hostMatches(String pattern, String host, int port) {
    String p = pattern.toLowerCase(Locale.ROOT);
    int colon = p.lastIndexOf(':');
    if (colon > 0) {
      if (Integer.parseInt(p.substring(colon + 1)) != port) {
        return null;
      }
      p = p.substring(0, colon);
    }
    if (p.startsWith("*.")) {
      String suffix = p.substring(1);
      return host.endsWith(suffix) && host.length() > suffix.length() ? Boolean.FALSE : null;
    }
    return p.equals(host) ? Boolean.TRUE : null;
  }

  /** "/orders" matches /orders, /orders/ and /orders/42, not /ordersX. */
  static boolean pathMatches(String prefix, String path) {
    if (prefix.equals("/") || path.equals(prefix)) {
      return true;
    }
    String p = prefix.endsWith("/") ? prefix : prefix + "/";
    return path.startsWith(p);
  }
}
