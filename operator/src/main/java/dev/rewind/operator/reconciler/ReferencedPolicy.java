package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.operator.model.PolicyReferences;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import java.util.Set;

/**
 * Route → the RetryPolicy it references, read from the Route's spec every time. JOSDK could instead derive this
 * from {@link RoutesReferencingPolicy}, but that reverse index only learns of a Route when a policy event arrives,
 * so it would miss a Route whose reference was just edited.
 */
final class ReferencedPolicy implements PrimaryToSecondaryMapper<Route> {

  @Override
  public Set<ResourceID> toSecondaryResourceIDs(Route route) {
    return PolicyReferences.referencedPolicy(route)
        .map(name -> Set.of(new ResourceID(name, route.getMetadata().getNamespace())))
        .orElse(Set.of());
  }
}
