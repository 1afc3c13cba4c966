package dev.rewind.operator.model;

import dev.rewind.api.v1alpha1.route.Route;
import java.util.List;
import java.util.Optional;

/**
 * Which RetryPolicy a Route references, as keys of the informer index that answers "which Routes reference this
 * policy?". References never cross namespaces, so the key is the namespace and the policy name.
 */
public final class PolicyReferences {

  /** Name of the index of Routes by referenced policy. */
  public static final String INDEX = "rewind.dev/retry-policy-ref";

  private PolicyReferences() {}

  /** The name of the policy the Route references, if it references one. */
  public static Optional<String> referencedPolicy(Route route) {
    if (route.getSpec() == null || route.getSpec().getRetryPolicyRef() == null) {
      return Optional.empty();
    }
    String name = route.getSpec().getRetryPolicyRef().getName();
    return name == null || name.isBlank() ? Optional.empty() : Optional.of(name);
  }

  /** The index keys of a Route: one for the policy it references, none without a reference. */
  public static List<String> indexKeys(Route route) {
    return referencedPolicy(route).map(policy -> List.of(key(route.getMetadata().getNamespace(), policy)))
        .orElse(List.of());
  }

  /** The index key of the Routes of {@code namespace} that reference policy {@code policyName}. */
  public static String key(String namespace, String policyName) {
    return namespace + "/" + policyName;
  }
}
