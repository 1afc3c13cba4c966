package dev.rewind.api.v1alpha1.flow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.time.DurationLimits;
import dev.rewind.api.v1alpha1.Rewind;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/** The hops of one integration, in the order an event travels them, and how long each may take. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FlowSpec {

  @Required
  @Size(min = 2, max = 16)
  // A Route named twice is reported by FlowChecks (the Flow's status), not refused here: a CEL rule comparing every
  // pair of hops costs more than the API server's budget allows.
  @JsonPropertyDescription("The hops in the order an event travels them (2 to 16), each a Route, none twice. The correlation id"
      + " each Route extracts (its spec.correlationId) links an order's events across hops; every hop's Route needs"
      + " one.")
  private List<FlowHop> hops;

  @Default("5m")
  @Size(min = 1, max = 32)
  @Pattern(Rewind.DURATION_PATTERN)
  @ValidationRule(value = DurationLimits.WITHIN_RULE, message = DurationLimits.WITHIN_MESSAGE)
  @JsonPropertyDescription("How long a hop may take to pass an order on: once hop k delivered it, hop k+1 must"
      + " capture it within this, or the order is broken after hop k. A duration (30s, 5m, 1h30m) more than 0s and"
      + " at most " + DurationLimits.WITHIN_MAX + ". Default: 5m.")
  private String within;

  @Default("24h")
  @Size(min = 1, max = 32)
  @Pattern(Rewind.DURATION_PATTERN)
  @ValidationRule(value = DurationLimits.LOOKBACK_RULE, message = DurationLimits.LOOKBACK_MESSAGE)
  @JsonPropertyDescription("Orders that entered the first hop this long ago or later are followed; older ones are"
      + " left as they were last seen. Bounds the cost of following a flow. At most " + DurationLimits.LOOKBACK_MAX
      + ". Default: 24h.")
  private String lookback;

  public List<FlowHop> getHops() {
    return hops;
  }

  public void setHops(List<FlowHop> hops) {
    this.hops = hops;
  }

  public String getWithin() {
    return within;
  }

  public void setWithin(String within) {
    this.within = within;
  }

  public String getLookback() {
    return lookback;
  }

  public void setLookback(String lookback) {
    this.lookback = lookback;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlowSpec s && Objects.equals(hops, s.hops) && Objects.equals(within, s.within)
        && Objects.equals(lookback, s.lookback);
  }

  @Override
  public int hashCode() {
    return Objects.hash(hops, within, lookback);
  }
}
