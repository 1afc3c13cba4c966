package dev.rewind.operator.model;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import java.time.Instant;

/**
 * The status a Route should have, computed from what its reconciliation found: pure, so the same observations
 * always give an equal status and the reconciler can skip the write when nothing changed.
 *
 * <p>Conditions: {@code Ready} (the current generation is published and sidecars serve it),
 * {@code ResolvedRefs} (the RetryPolicy reference resolves) and {@code Healthy} (the leader's latest reading of the
 * route's deliveries, see {@link dev.rewind.journal.health.HealthVerdict}). A Route that cannot be served as written is not
 * unpublished: sidecars keep serving the last generation that was published (recorded in
 * {@code publishedGeneration}), so a typo in an edit does not stop capture; Ready=False says that the edit is not
 * in effect.
 */
public final class RouteStatuses {

  /** Ready=True: the current generation is in the store. */
  public static final String PUBLISHED = "Published";
  /** Ready=False: the store did not answer; the reconciliation is retried. */
  public static final String STORE_UNAVAILABLE = "StoreUnavailable";
  /** Ready=False: the reconciliation failed for another reason; it is retried. */
  public static final String RECONCILE_FAILED = "ReconcileFailed";

  private RouteStatuses() {}

  public static RouteStatus desired(Route route, PolicyCheck refs, RouteOutcome outcome,
      RouteHealthReading health, Instant now) {
    Long generation = route.getMetadata().getGeneration();
    RouteStatus previous = route.getStatus();
    RouteStatus status = new RouteStatus();
    status.setObservedGeneration(generation);
    StatusConditions conditions =
        StatusConditions.after(previous == null ? null : previous.getConditions(), generation, now);
    if (outcome instanceof RouteOutcome.Published published) {
      status.setPublishedGeneration(published.route().generation());
      status.setRetryPolicyGeneration(published.route().policyGeneration());
      conditions.set(RouteStatus.READY, true, PUBLISHED, publishedMessage(published));
    } else {
      // The store still holds (and sidecars still serve) whatever was published last.
      if (previous != null) {
        status.setPublishedGeneration(previous.getPublishedGeneration());
        status.setRetryPolicyGeneration(previous.getRetryPolicyGeneration());
      }
      String reason;
      String message;
      if (outcome instanceof RouteOutcome.Refused refused) {
        reason = refused.reason().name();
        message = refused.message();
      } else {
        RouteOutcome.Failed failed = (RouteOutcome.Failed) outcome;
        reason = failed.reason();
        message = failed.message() + "; retrying";
      }
      conditions.set(RouteStatus.READY, false, reason, message + stillServed(status.getPublishedGeneration()));
    }
    conditions.set(RouteStatus.RESOLVED_REFS, refs.resolved(), refs.reason(), refs.message());
    healthy(status, conditions, previous, health);
    status.setConditions(conditions.build());
    return status;
  }

  /**
   * Delivery health from the leader's latest reading; without one (a replica that just started leading, or no
   * store), whatever the Route showed before stays, so a leader change never blanks or flips it.
   */
  private static void healthy(RouteStatus status, StatusConditions conditions, RouteStatus previous,
      RouteHealthReading health) {
    if (health != null) {
      status.setDelivery(health.delivery());
      conditions.set(RouteStatus.HEALTHY, health.verdict().healthy(), health.verdict().reason(),
          health.verdict().message());
      return;
    }
    if (previous == null) {
      return;
    }
    status.setDelivery(previous.getDelivery());
    StatusConditions.find(previous.getConditions(), RouteStatus.HEALTHY)
        .ifPresent(c -> conditions.set(c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
  }

  private static String publishedMessage(RouteOutcome.Published published) {
    String policy = published.route().policyName() == null
        ? "without a RetryPolicy (one attempt per event, no retries)"
        : "with RetryPolicy \"" + published.route().policyName() + "\" (generation "
            + published.route().policyGeneration() + ")";
    return "generation " + published.route().generation() + " is published " + policy;
  }

  private static String stillServed(Long publishedGeneration) {
    return publishedGeneration == null ? ""
        : "; sidecars keep serving generation " + publishedGeneration;
  }
}
