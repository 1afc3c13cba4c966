package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * RetryPolicy → the Routes to reconcile when it changes: every Route of the policy's namespace whose
 * {@code retryPolicyRef} names it. A policy that appears, changes or disappears changes what those Routes resolve
 * to; no other Route is affected, since references never cross namespaces.
 */
final class RoutesReferencingPolicy implements SecondaryToPrimaryMapper<RetryPolicy> {

  /** The Routes of a namespace that reference a policy by name (an informer index lookup). */
  @FunctionalInterface
  interface Lookup {
    List<Route> referencing(String namespace, String policyName);
  }

  private final Lookup routes;

  RoutesReferencingPolicy(Lookup routes) {
    this.routes = routes;
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(RetryPolicy policy) {
    String namespace = policy.getMetadata().getNamespace();
    return routes.referencing(namespace, policy.getMetadata().getName()).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toUnmodifiableSet());
  }
}
