package dev.rewind.api.v1alpha1.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.v1alpha1.common.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Where the orders that entered a Flow stand, as the operator's leader last evaluated them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlowStatus {

  /** Every hop resolves to a Route with a correlation id that this Flow may read. */
  public static final String READY = "Ready";
  /** No order is broken or failed. */
  public static final String HEALTHY = "Healthy";

  @JsonPropertyDescription("The metadata.generation the operator last acted on.")
  private Long observedGeneration;

  @JsonPropertyDescription("How many hops the flow has.")
  private Integer hopCount;

  @JsonPropertyDescription("Orders (correlation ids) that entered the first hop within the lookback.")
  private Long entered;

  @JsonPropertyDescription("Orders the last hop delivered.")
  private Long complete;

  @JsonPropertyDescription("Orders still being tried at a hop, or delivered less than within ago and not yet seen at"
      + " the next hop.")
  private Long inFlight;

  @JsonPropertyDescription("Orders whose furthest hop gave up (dead): a Replay of that hop recovers them.")
  private Long failed;

  @JsonPropertyDescription("Orders a hop delivered more than within ago that the next hop never captured.")
  private Long broken;

  @JsonPropertyDescription("Per hop, in order: how many orders reached it and how many are broken or failed there.")
  private List<FlowHopStatus> hops;

  @JsonPropertyDescription("Up to 20 correlation ids of broken orders, oldest first.")
  private List<String> brokenSample;

  @JsonPropertyDescription("When the orders were last evaluated (RFC 3339).")
  private String evaluatedAt;

  @JsonPropertyDescription("Standard conditions: Ready and Healthy.")
  private List<Condition> conditions = new ArrayList<>();

  /** One hop's figures. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class FlowHopStatus {

    @JsonPropertyDescription("The hop's Route, namespace/name.")
    private String route;

    @JsonPropertyDescription("Orders whose furthest hop is this one or a later one.")
    private Long reached;

    @JsonPropertyDescription("Orders broken after this hop: delivered here, never captured by the next.")
    private Long brokenAfter;

    @JsonPropertyDescription("Orders that failed (dead) at this hop.")
    private Long failed;

    public FlowHopStatus() {}

    public FlowHopStatus(String route, Long reached, Long brokenAfter, Long failed) {
      this.route = route;
      this.reached = reached;
      this.brokenAfter = brokenAfter;
      this.failed = failed;
    }

    public String getRoute() {
      return route;
    }

    public void setRoute(String route) {
      this.route = route;
    }

    public Long getReached() {
      return reached;
    }

    public void setReached(Long reached) {
      this.reached = reached;
    }

    public Long getBrokenAfter() {
      return brokenAfter;
    }

    public void setBrokenAfter(Long brokenAfter) {
      this.brokenAfter = brokenAfter;
    }

    public Long getFailed() {
      return failed;
    }

    public void setFailed(Long failed) {
      this.failed = failed;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FlowHopStatus h && Objects.equals(route, h.route) && Objects.equals(reached, h.reached)
          && Objects.equals(brokenAfter, h.brokenAfter) && Objects.equals(failed, h.failed);
    }

    @Override
    public int hashCode() {
      return Objects.hash(route, reached, brokenAfter, failed);
    }
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getHopCount() {
    return hopCount;
  }

  public void setHopCount(Integer hopCount) {
    this.hopCount = hopCount;
  }

  public Long getEntered() {
    return entered;
  }

  public void setEntered(Long entered) {
    this.entered = entered;
  }

  public Long getComplete() {
    return complete;
  }

  public void setComplete(Long complete) {
    this.complete = complete;
  }

  public Long getInFlight() {
    return inFlight;
  }

  public void setInFlight(Long inFlight) {
    this.inFlight = inFlight;
  }

  public Long getFailed() {
    return failed;
  }

  public void setFailed(Long failed) {
    this.failed = failed;
  }

  public Long getBroken() {
    return broken;
  }

  public void setBroken(Long broken) {
    this.broken = broken;
  }

  public List<FlowHopStatus> getHops() {
    return hops;
  }

  public void setHops(List<FlowHopStatus> hops) {
    this.hops = hops;
  }

  public List<String> getBrokenSample() {
    return brokenSample;
  }

  public void setBrokenSample(List<String> brokenSample) {
    this.brokenSample = brokenSample;
  }

  public String getEvaluatedAt() {
    return evaluatedAt;
  }

  public void setEvaluatedAt(String evaluatedAt) {
    this.evaluatedAt = evaluatedAt;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowStatus s && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(hopCount, s.hopCount) && Objects.equals(entered, s.entered)
        && Objects.equals(complete, s.complete) && Objects.equals(inFlight, s.inFlight)
        && Objects.equals(failed, s.failed) && Objects.equals(broken, s.broken) && Objects.equals(hops, s.hops)
        && Objects.equals(brokenSample, s.brokenSample) && Objects.equals(evaluatedAt, s.evaluatedAt)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, hopCount, entered, complete, inFlight, failed, broken, hops, brokenSample,
        evaluatedAt, conditions);
  }
}
