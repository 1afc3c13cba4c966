package dev.rewind.api.v1alpha1.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.v1alpha1.common.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How far a Replay got. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplayStatus {

  /**
   * True only when the replay did what it was asked, as a Job's: Succeeded (reason Succeeded) or a dry run
   * Previewed (reason Previewed). False with the failure's reason when it ended otherwise.
   */
  public static final String COMPLETE = "Complete";
  /**
   * True when the replay ended without succeeding: Failed (AllEventsFailed, or why it was refused: RouteNotFound,
   * RetryPolicyNotFound, InvalidSpec, TooManyEvents), PartiallyFailed (SomeEventsFailed) or Cancelled. Never True
   * together with Complete.
   */
  public static final String FAILED = "Failed";

  @JsonPropertyDescription(
      "Pending, Running, then one of Succeeded, PartiallyFailed, Failed, Cancelled; a dry run ends Previewed.")
  private ReplayPhase phase;

  @JsonPropertyDescription("Events in the matched set, fixed when the replay started.")
  private Long matched;

  @JsonPropertyDescription("Matched events the replay delivered.")
  private Long delivered;

  @JsonPropertyDescription("Matched events the replay's policy gave up on.")
  private Long failed;

  @JsonPropertyDescription("Matched events still to be delivered or retried.")
  private Long remaining;

  @JsonPropertyDescription("When the matched set was fixed (RFC 3339, UTC).")
  private String startedAt;

  @JsonPropertyDescription("When the replay reached a terminal phase (RFC 3339, UTC).")
  private String completedAt;

  @JsonPropertyDescription(
      "Human-readable detail of the current phase. A refused replay names the spec field at fault; one whose"
          + " policy gave up on events says how most of them failed (e.g. the destination the address policy"
          + " refuses).")
  private String message;

  @JsonPropertyDescription("Up to 20 matched event ids, oldest first; filled for dry runs.")
  private List<String> sample;

  @JsonPropertyDescription("The metadata.generation the operator last acted on.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Complete and Failed, as a Job's; never both True. Complete is True only when the replay Succeeded (reason"
          + " Succeeded) or a dry run Previewed (reason Previewed). Failed is True when it ended Failed (reason"
          + " AllEventsFailed, or why it was refused: RouteNotFound, RetryPolicyNotFound, InvalidSpec,"
          + " TooManyEvents), PartiallyFailed (SomeEventsFailed) or Cancelled (Cancelled). While Pending or"
          + " Running both are False. A script waits for either: kubectl wait --for=condition=Complete and"
          + " --for=condition=Failed.")
  private List<Condition> conditions = new ArrayList<>();

  public ReplayPhase getPhase() {
    return phase;
  }

  public void setPhase(ReplayPhase phase) {
    this.phase = phase;
  }

  public Long getMatched() {
    return matched;
  }

  public void setMatched(Long matched) {
    this.matched = matched;
  }

  public Long getDelivered() {
    return delivered;
  }

  public void setDelivered(Long delivered) {
    this.delivered = delivered;
  }

  public Long getFailed() {
    return failed;
  }

  public void setFailed(Long failed) {
    this.failed = failed;
  }

  public Long getRemaining() {
    return remaining;
  }

  public void setRemaining(Long remaining) {
    this.remaining = remaining;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public List<String> getSample() {
    return sample;
  }

  public void setSample(List<String> sample) {
    this.sample = sample;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplayStatus s
        && phase == s.phase
        && Objects.equals(matched, s.matched)
        && Objects.equals(delivered, s.delivered)
        && Objects.equals(failed, s.failed)
        && Objects.equals(remaining, s.remaining)
        && Objects.equals(startedAt, s.startedAt)
        && Objects.equals(completedAt, s.completedAt)
        && Objects.equals(message, s.message)
        && Objects.equals(sample, s.sample)
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, matched, delivered, failed, remaining, startedAt, completedAt, message, sample,
        observedGeneration, conditions);
  }
}
