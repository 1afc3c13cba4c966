package dev.rewind.api.v1alpha1.replay.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.route.spec.Destination;
import java.util.Objects;

/** What the replay changes about delivery, when the original route or policy was the problem. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplayOverride {

  @JsonPropertyDescription(
      "Deliver to this URL instead of each event's route destination. The event's captured path suffix is not"
          + " re-applied. Default: each event's own destination.")
  private Destination destination;

  @JsonPropertyDescription(
      "RetryPolicy (same namespace) governing the replay's own attempts. Default: the policy of each event's"
          + " Route, or one attempt when it has none.")
  private LocalObjectReference retryPolicyRef;

  public Destination getDestination() {
    return destination;
  }

  public void setDestination(Destination destination) {
    this.destination = destination;
  }

  public LocalObjectReference getRetryPolicyRef() {
    return retryPolicyRef;
  }

  public void setRetryPolicyRef(LocalObjectReference retryPolicyRef) {
    this.retryPolicyRef = retryPolicyRef;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplayOverride v
        && Objects.equals(destination, v.destination)
        && Objects.equals(retryPolicyRef, v.retryPolicyRef);
  }

  @Override
  public int hashCode() {
    return Objects.hash(destination, retryPolicyRef);
  }
}
