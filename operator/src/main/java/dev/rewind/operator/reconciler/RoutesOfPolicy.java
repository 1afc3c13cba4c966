package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.operator.model.PolicyReferences;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * RetryPolicy → the Routes that reference it, from the Route informer's index (which follows every edit of a
 * Route's reference): what {@code status.routes} counts.
 */
final class RoutesOfPolicy implements PrimaryToSecondaryMapper<RetryPolicy> {

  private final BiFunction<String, String, List<Route>> index;

  /** @param index looks up an index of the Route informer by index name and key */
  RoutesOfPolicy(BiFunction<String, String, List<Route>> index) {
    this.index = index;
  }

  @Override
  public Set<ResourceID> toSecondaryResourceIDs(RetryPolicy policy) {
    String key = PolicyReferences.key(policy.getMetadata().getNamespace(), policy.getMetadata().getName());
    return index.apply(PolicyReferences.INDEX, key).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toUnmodifiableSet());
  }
}
