package dev.rewind.operator.testing;

import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.api.v1alpha1.route.spec.Destination;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** Routes and RetryPolicies as the API server would hand them to the operator. */
public final class Objects {

  private Objects() {}

  /** A Route to {@code url}; {@code policy} null for none. */
  public static Route route(String namespace, String name, long generation, String url, String policy) {
    Route route = new Route();
    route.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(generation)
        .build());
    RouteSpec spec = new RouteSpec();
    spec.setDestination(new Destination(url));
    if (policy != null) {
      spec.setRetryPolicyRef(new LocalObjectReference(policy));
    }
    route.setSpec(spec);
    return route;
  }

  /** A Route to create: what a user writes, without server-set metadata. */
  public static Route newRoute(String name, String url, String policy) {
    Route route = route(null, name, 0, url, policy);
    route.getMetadata().setGeneration(null);
    return route;
  }

  /** A RetryPolicy to create. */
  public static RetryPolicy newPolicy(String name, int maxAttempts) {
    RetryPolicy policy = policy(null, name, 0, maxAttempts);
    policy.getMetadata().setGeneration(null);
    return policy;
  }

  public static RetryPolicy policy(String namespace, String name, long generation, int maxAttempts) {
    RetryPolicySpec spec = new RetryPolicySpec();
    spec.setMaxAttempts(maxAttempts);
    return policy(namespace, name, generation, spec);
  }

  public static RetryPolicy policy(String namespace, String name, long generation, RetryPolicySpec spec) {
    RetryPolicy policy = new RetryPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(generation)
        .build());
    policy.setSpec(spec);
    return policy;
  }

  /**
   * A spec whose entries each match their pattern but whose range runs backwards: admission's range rule refuses
   * it, the resolver too when one was stored before that rule existed.
   */
  public static RetryPolicySpec backwardsRange() {
    RetryPolicySpec spec = new RetryPolicySpec();
    spec.setRetryOn(List.of("504-500"));
    return spec;
  }
}
