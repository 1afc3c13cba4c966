package dev.rewind.api.v1alpha1.replay.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.v1alpha1.Rewind;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * A replay's selection by a Flow's verdict instead of by route: the orders the Flow finds broken (or failed) when the
 * replay starts, and for each the event to send again. For a broken order that is the hop that last delivered it,
 * so the service behind that hop gets the order again; for a failed one the hop whose delivery gave up.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplayFlowReference {

  /** Which of a Flow's stopped orders a replay takes. */
  public enum FlowState {
    /** Delivered by a hop and never captured by the next one within the Flow's {@code within}. */
    @JsonProperty("broken")
    BROKEN,
    /** Given up at a hop: Rewind's own delivery there ended dead. */
    @JsonProperty("failed")
    FAILED;

    public String wireName() {
      return this == BROKEN ? "broken" : "failed";
    }
  }

  /** The most hops a Flow has, so the largest hop index is one less. */
  public static final int MOST_HOPS = 16;

  @Required
  @Size(min = 1, max = 253)
  @Pattern(Rewind.NAME_PATTERN)
  @JsonPropertyDescription("The Flow, in the Replay's namespace, whose stopped orders are replayed.")
  private String name;

  @Default("broken")
  @JsonPropertyDescription(
      "Which orders: broken (a hop delivered them and the next never captured them; the last delivering hop's"
          + " delivered events are sent again) or failed (a hop's delivery gave up; its dead events are sent"
          + " again). Default: broken.")
  private FlowState state;

  @Min(0)
  @Max(MOST_HOPS - 1)
  @JsonPropertyDescription(
      "Only orders stopped at this hop (0 is the first): for broken, the hop that last delivered them. The hop's"
          + " Route must be in the Replay's namespace: a replay never re-delivers another namespace's events."
          + " Default: every hop of the Flow in the Replay's namespace.")
  private Integer hop;

  public ReplayFlowReference() {}

  public ReplayFlowReference(String name, FlowState state, Integer hop) {
    this.name = name;
    this.state = state;
    this.hop = hop;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public FlowState getState() {
    return state;
  }

  public void setState(FlowState state) {
    this.state = state;
  }

  public Integer getHop() {
    return hop;
  }

  public void setHop(Integer hop) {
    this.hop = hop;
  }

  /** The state to select, broken when unset. */
  public FlowState state() {
    return state == null ? FlowState.BROKEN : state;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplayFlowReference r && Objects.equals(name, r.name) && Objects.equals(state, r.state)
        && Objects.equals(hop, r.hop);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, state, hop);
  }

  @Override
  public String toString() {
    return name + " (" + state().wireName() + (hop == null ? "" : ", hop " + hop) + ")";
  }
}
