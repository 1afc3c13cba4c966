package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.route.ResolvedRoute;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the engine needs to start or resume a replay: the Replay itself and what its references point to now.
 *
 * @param id the Replay's metadata.uid (a new UUID for a standalone replay); the store key, so a Replay deleted and
 *     created again under the same name is a new replay
 * @param routes the resolved routes of the replay's namespace, by name (the operator publishes them to the route
 *     catalog; standalone reads them from the config directory). A new replay naming a route that is not among
 *     them is refused ({@link #missingRoutes}): a misspelt name would otherwise match nothing and "succeed". A
 *     route deleted while its replay runs is fine: its events go to the URL they were captured for.
 * @param policies the RetryPolicy specs of the namespace, by name: where override.retryPolicyRef is looked up
 * @param flow with spec.flowRef: the Flow it names resolved against its Routes, or null when there is no such Flow;
 *     null without flowRef
 */
public record ReplayRequest(
    UUID id,
    String namespace,
    String name,
    ReplaySpec spec,
    Map<String, ResolvedRoute> routes,
    Map<String, RetryPolicySpec> policies,
    FlowRoutes flow) {

  public ReplayRequest(UUID id, String namespace, String name, ReplaySpec spec, Map<String, ResolvedRoute> routes,
      Map<String, RetryPolicySpec> policies) {
    this(id, namespace, name, spec, routes, policies, null);
  }

  public ReplayRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
    routes = routes == null ? Map.of() : Map.copyOf(routes);
    policies = policies == null ? Map.of() : Map.copyOf(policies);
  }

  /** The request for a Replay custom resource, as the operator's reconciler has it. */
  public static ReplayRequest of(Replay replay, Collection<ResolvedRoute> routes,
      Map<String, RetryPolicySpec> policies, FlowRoutes flow) {
    return new ReplayRequest(UUID.fromString(replay.getMetadata().getUid()), replay.getMetadata().getNamespace(),
        replay.getMetadata().getName(), replay.getSpec(),
        routes.stream().collect(Collectors.toMap(ResolvedRoute::name, Function.identity())), policies, flow);
  }

  /**
   * The routes whose events this replay re-delivers: those the spec names, or with flowRef the Flow's hops in this
   * namespace. A Flow gone by the time a running replay resumes leaves every route of the namespace: the fixed set
   * may be on any of them.
   */
  public List<String> routeNames() {
    if (spec.getFlowRef() == null) {
      return spec.routeNames();
    }
    return flow == null || !flow.ready() ? List.copyOf(routes.keySet())
        : FlowScope.routesHere(namespace, spec.getFlowRef(), flow.hops());
  }

  /** The name override.retryPolicyRef points at, or null. */
  public String overridePolicyName() {
    return spec.getOverride() == null || spec.getOverride().getRetryPolicyRef() == null ? null
        : spec.getOverride().getRetryPolicyRef().getName();
  }

  /** The route names the spec gives that are not among {@link #routes}, in the spec's order. */
  public List<String> missingRoutes() {
    return routeNames().stream().filter(name -> !routes.containsKey(name)).toList();
  }

  /** The spec field that names the routes: {@code spec.routeRef.name}, {@code spec.routes} or the Flow's. */
  public String routesField() {
    return spec.getFlowRef() != null ? "spec.flowRef.name" : spec.getRouteRef() != null ? "spec.routeRef.name"
        : "spec.routes";
  }

  @Override
  public String toString() {
    return namespace + "/" + name + " (" + id + ")";
  }
}
