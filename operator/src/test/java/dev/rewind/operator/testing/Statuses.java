package dev.rewind.operator.testing;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import java.util.Optional;

/** Reads conditions off objects as the API server returned them. */
public final class Statuses {

  private Statuses() {}

  public static Optional<Condition> condition(Route route, String type) {
    if (route == null || route.getStatus() == null || route.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return route.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static Optional<Condition> ready(RetryPolicy policy) {
    if (policy == null || policy.getStatus() == null || policy.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return policy.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }

  /** Whether the Route's Ready condition has this status and reason, for the Route's current generation. */
  public static boolean isReady(Route route, String status, String reason) {
    return condition(route, RouteStatus.READY)
        .filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason()))
        .filter(c -> c.getObservedGeneration() != null
            && c.getObservedGeneration().equals(route.getMetadata().getGeneration()))
        .isPresent();
  }
}
