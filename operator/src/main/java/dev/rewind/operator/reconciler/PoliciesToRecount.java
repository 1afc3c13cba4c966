package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.operator.model.PolicyReferences;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Route → the RetryPolicies whose {@code status.routes} count it may have changed: the policy it references, and
 * every other policy of its namespace. The informer hands a mapper only the new version of an edited Route, so
 * when a Route moves from policy A to policy B, mapping to B alone would leave A's count one too high. Counting is
 * an in-memory index lookup and unchanged counts write nothing, so the wider mapping is cheap; the Route event
 * source only passes on edits that change the reference, which keeps it rare.
 */
final class PoliciesToRecount implements SecondaryToPrimaryMapper<Route> {

  private final Function<String, Stream<RetryPolicy>> policiesOfNamespace;

  /** @param policiesOfNamespace the RetryPolicies of a namespace (the controller's own informer cache) */
  PoliciesToRecount(Function<String, Stream<RetryPolicy>> policiesOfNamespace) {
    this.policiesOfNamespace = policiesOfNamespace;
  }

  @Override
  public Set<ResourceID> toPrimaryResourceIDs(Route route) {
    String namespace = route.getMetadata().getNamespace();
    Set<ResourceID> policies = new HashSet<>();
    PolicyReferences.referencedPolicy(route).ifPresent(name -> policies.add(new ResourceID(name, namespace)));
    policiesOfNamespace.apply(namespace).map(ResourceID::fromResource).forEach(policies::add);
    return Set.copyOf(policies);
  }
}
