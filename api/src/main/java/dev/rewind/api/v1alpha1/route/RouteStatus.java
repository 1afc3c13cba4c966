package dev.rewind.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.v1alpha1.common.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed of a Route. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteStatus {

  /** The Route is published to the store and sidecars serve it. */
  public static final String READY = "Ready";
  /** Every reference (RetryPolicy, signing Secret) resolved. */
  public static final String RESOLVED_REFS = "ResolvedRefs";
  /** Events reach the destination: none dead, none waiting too long, the destination not failing. */
  public static final String HEALTHY = "Healthy";

  @JsonPropertyDescription("The metadata.generation the operator last acted on.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "The Route generation currently published to the journal store, which sidecars of the namespace follow.")
  private Long publishedGeneration;

  @JsonPropertyDescription("Generation of the RetryPolicy the published route was resolved with.")
  private Long retryPolicyGeneration;

  @JsonPropertyDescription("Delivery health from the journal store, refreshed by the operator's leader every"
      + " health interval (15s by default).")
  private RouteDelivery delivery;

  @JsonPropertyDescription("Standard conditions: Ready, ResolvedRefs and Healthy (reasons Delivering, Idle,"
      + " Backlog, DestinationFailing, EventsDead).")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Long getPublishedGeneration() {
    return publishedGeneration;
  }

  public void setPublishedGeneration(Long publishedGeneration) {
    this.publishedGeneration = publishedGeneration;
  }

  public Long getRetryPolicyGeneration() {
    return retryPolicyGeneration;
  }

  public void setRetryPolicyGeneration(Long retryPolicyGeneration) {
    this.retryPolicyGeneration = retryPolicyGeneration;
  }

  public RouteDelivery getDelivery() {
    return delivery;
  }

  public void setDelivery(RouteDelivery delivery) {
    this.delivery = delivery;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(publishedGeneration, s.publishedGeneration)
        && Objects.equals(retryPolicyGeneration, s.retryPolicyGeneration)
        && Objects.equals(delivery, s.delivery)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, publishedGeneration, retryPolicyGeneration, delivery, conditions);
  }
}
