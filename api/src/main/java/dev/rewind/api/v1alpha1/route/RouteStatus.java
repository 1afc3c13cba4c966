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

  @JsonPropertyDescription("The metadata.generation the operator last acted on.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "The Route generation currently published to the journal store, which sidecars of the namespace follow.")
  private Long publishedGeneration;

  @JsonPropertyDescription("Generation of the RetryPolicy the published route was resolved with.")
  private Long retryPolicyGeneration;

  @JsonPropertyDescription("Standard conditions: Ready and ResolvedRefs.")
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
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, publishedGeneration, retryPolicyGeneration, conditions);
  }
}
