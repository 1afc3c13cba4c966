package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.api.v1alpha1.route.spec.Destination;
import dev.rewind.api.v1alpha1.route.spec.KafkaDestination;
import dev.rewind.journal.capture.Urls;
import dev.rewind.journal.delivery.KafkaTarget;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.route.ResolvedRoute;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a replay attempts each of its events: where to, under which policy, signed with which route's secret. Pure;
 * built from the replay's spec, its fixed override policy and the routes as they are now.
 *
 * <ul>
 *   <li>Policy: {@code override.retryPolicyRef}'s (fixed when the replay started), else the policy the event's
 *       Route has now, else one attempt ({@link ResolvedPolicy#NO_RETRIES}: a Route without a policy, or one
 *       deleted since the replay started — a replay naming a Route that does not exist is refused before).
 *   <li>Destination: {@code override.destination.url} as written (the capture suffix is not re-applied), or
 *       {@code override.destination.kafka} (its cluster, topic, key and credentials), else
 *       the Route's current destination with the event's capture suffix and query re-applied, so a Route whose
 *       URL was corrected since is honoured; an event whose Route is gone goes to the URL it was captured for.
 *   <li>Signing: the event's Route's current signing settings, if it still exists.
 * </ul>
 */
public final class ReplayPlan {

  // Specs arrive defaulted (API server, or the manifest reader from the same CRD); these only guard a spec built
  // in code. ReplayPlanTest checks they equal the CRD's defaults.
  static final int DEFAULT_CONCURRENCY = 16;
  static final int DEFAULT_RATE_LIMIT = 100;
  static final int DEFAULT_MAX_EVENTS = 10_000;

  private final String namespace;
  private final ReplaySpec spec;
  private final ResolvedPolicy override;
  private final Map<String, ResolvedRoute> routes;
  private final List<String> replayed;
  private final Map<String, ResolvedRoute> placeholders = new HashMap<>();

  /**
   * @param overridePolicy the spec of override.retryPolicyRef as fixed at start, or null
   * @param routes the routes of the replay's namespace as they are now, by name
   * @param replayed the names of the routes whose events the replay re-delivers ({@link ReplayRequest#routeNames})
   */
  public ReplayPlan(String namespace, ReplaySpec spec, RetryPolicySpec overridePolicy,
      Map<String, ResolvedRoute> routes, List<String> replayed) {
    this.namespace = namespace;
    this.spec = spec;
    this.override = overridePolicy == null ? null : ResolvedPolicy.from(overridePolicy);
    this.routes = Map.copyOf(routes);
    this.replayed = List.copyOf(replayed);
  }

  /** The route to attempt an event of {@code routeName} with; a Route that no longer exists signs nothing. */
  public synchronized ResolvedRoute route(String routeName) {
    ResolvedRoute route = routes.get(routeName);
    if (route != null) {
      return route;
    }
    return placeholders.computeIfAbsent(routeName, name -> {
      RouteSpec none = new RouteSpec();
      none.setDestination(new Destination(""));
      return new ResolvedRoute(namespace, name, 0, none, null, null, null);
    });
  }

  public ResolvedPolicy policy(String routeName) {
    if (override != null) {
      return override;
    }
    ResolvedRoute route = routes.get(routeName);
    return route == null ? ResolvedPolicy.NO_RETRIES : route.policy();
  }

  /** The override destination every attempt goes to, or null when each event goes to its route's. */
  public String overrideDestination() {
    return spec.getOverride() != null && spec.getOverride().getDestination() != null
        ? target(spec.getOverride().getDestination()) : null;
  }

  /** A destination as one string: its URL, or a Kafka destination's kafka://servers/topic. */
  private static String target(Destination destination) {
    return destination.getKafka() != null ? KafkaTarget.of(destination.getKafka()).uri() : destination.getUrl();
  }

  /**
   * The Kafka settings (key, TLS, SASL) an event's attempt uses: the override's when it redirects (none when it
   * redirects to a URL), else its route's.
   */
  public KafkaDestination kafka(String routeName) {
    if (spec.getOverride() != null && spec.getOverride().getDestination() != null) {
      return spec.getOverride().getDestination().getKafka();
    }
    ResolvedRoute route = routes.get(routeName);
    return route == null ? null : route.kafka();
  }

  /**
   * Where to deliver an event.
   *
   * @param capturedUrl the URL the event was captured for (route destination + suffix + query at the time)
   * @param pathSuffix the capture suffix
   */
  public String destination(String routeName, String capturedUrl, String pathSuffix) {
    if (spec.getOverride() != null && spec.getOverride().getDestination() != null) {
      return target(spec.getOverride().getDestination());
    }
    ResolvedRoute route = routes.get(routeName);
    if (route == null) {
      return capturedUrl;
    }
    return redirected(route.destination(), capturedUrl, pathSuffix);
  }

  /**
   * The captured URL moved onto the route's current destination: unchanged when the route still points where it
   * did; otherwise its destination joined with the capture suffix and the captured request's query.
   */
  static String redirected(String destination, String capturedUrl, String pathSuffix) {
    String base = Urls.join(destination, pathSuffix, null);
    if (capturedUrl.equals(base) || capturedUrl.startsWith(base + (base.contains("?") ? "&" : "?"))) {
      return capturedUrl;
    }
    String query = URI.create(capturedUrl).getRawQuery();
    String destinationQuery = URI.create(destination).getRawQuery();
    if (query != null && destinationQuery != null && query.startsWith(destinationQuery)) {
      // The old destination's own query came first in the captured one; keep only the request's part.
      query = query.substring(destinationQuery.length());
      query = query.startsWith("&") ? query.substring(1) : query;
    }
    return Urls.join(destination, pathSuffix, query);
  }

  /** The longest attempt timeout any event of this replay can get, to size the claim lease. */
  public Duration longestTimeout() {
    if (override != null) {
      return override.timeout();
    }
    Duration longest = Duration.ZERO;
    for (String name : replayed) {
      Duration t = policy(name).timeout();
      if (t.compareTo(longest) > 0) {
        longest = t;
      }
    }
    return longest;
  }

  public int concurrency() {
    return spec.getConcurrency() == null ? DEFAULT_CONCURRENCY : spec.getConcurrency();
  }

  /** Events started per second; 0 means unlimited. */
  public int rateLimit() {
    return spec.getRateLimit() == null ? DEFAULT_RATE_LIMIT : spec.getRateLimit();
  }

  /** A selection larger than this fails the replay. */
  public static int maxEvents(ReplaySpec spec) {
    return spec.getMaxEvents() == null ? DEFAULT_MAX_EVENTS : spec.getMaxEvents();
  }

  public static boolean dryRun(ReplaySpec spec) {
    return Boolean.TRUE.equals(spec.getDryRun());
  }
}
