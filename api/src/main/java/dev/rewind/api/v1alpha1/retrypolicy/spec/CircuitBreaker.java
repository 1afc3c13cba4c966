package dev.rewind.api.v1alpha1.retrypolicy.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.Rewind;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * A circuit breaker per destination (scheme, host and port of the Route's destination URL), shared by every worker
 * that delivers there. It counts retryable outcomes (those in retryOn) and successes; other outcomes are ignored:
 *
 * <pre>
 *   opens when   consecutive retryable failures ≥ consecutiveFailures
 *           or   failureRatio is set, the last window attempts are known and failures / window ≥ failureRatio
 *   open         no attempts, no retry budget spent: events are held in the journal
 *   after openFor   one worker takes a probe lease and attempts the oldest held event (half-open)
 *   probe answers (any answer but a retryable failure)   → draining: held events go out oldest first,
 *                                                            at most drainRate per second, then closed
 *   probe fails  → open again for openFor
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CircuitBreaker {

  public static final String OPEN_FOR_MAX = "1h";
  public static final String OPEN_FOR_RULE = "!" + Durations.SELF_MATCHES
      + " || (duration(self) > duration('0s') && duration(self) <= duration('" + OPEN_FOR_MAX + "'))";
  public static final String OPEN_FOR_MESSAGE =
      "circuitBreaker.openFor must be more than 0s and at most " + OPEN_FOR_MAX;
  public static final String RATIO_RULE = "self > 0.0 && self <= 1.0";
  public static final String RATIO_MESSAGE = "circuitBreaker.failureRatio must be more than 0 and at most 1";

  @Default("5")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription(
      "Open after this many retryable failures in a row (outcomes in retryOn), counted by each worker. Between 1"
          + " and 1000. Default: 5.")
  private Integer consecutiveFailures;

  @ValidationRule(value = RATIO_RULE, message = RATIO_MESSAGE)
  @JsonPropertyDescription(
      "Also open when, of the last window attempts with a counted outcome, at least this fraction failed: more"
          + " than 0 and at most 1. Default: none (consecutive failures only).")
  private Double failureRatio;

  @Default("20")
  @Min(2)
  @Max(1000)
  @JsonPropertyDescription(
      "How many of the latest counted attempts failureRatio looks at. Between 2 and 1000. Default: 20.")
  private Integer window;

  @Default("30s")
  @Size(min = 1, max = 32)
  @Pattern(Rewind.DURATION_PATTERN)
  @ValidationRule(value = OPEN_FOR_RULE, message = OPEN_FOR_MESSAGE)
  @JsonPropertyDescription(
      "How long the breaker stays open before one probe attempt tests the destination, and again after each"
          + " failed probe: a duration more than 0s and at most 1h. Default: 30s.")
  private String openFor;

  @Default("10")
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription(
      "Events per second released, oldest first, once the destination answers again, across all workers. Between"
          + " 1 and 10000. Default: 10.")
  private Integer drainRate;

  public Integer getConsecutiveFailures() {
    return consecutiveFailures;
  }

  public void setConsecutiveFailures(Integer consecutiveFailures) {
    this.consecutiveFailures = consecutiveFailures;
  }

  public Double getFailureRatio() {
    return failureRatio;
  }

  public void setFailureRatio(Double failureRatio) {
    this.failureRatio = failureRatio;
  }

  public Integer getWindow() {
    return window;
  }

  public void setWindow(Integer window) {
    this.window = window;
  }

  public String getOpenFor() {
    return openFor;
  }

  public void setOpenFor(String openFor) {
    this.openFor = openFor;
  }

  public Integer getDrainRate() {
    return drainRate;
  }

  public void setDrainRate(Integer drainRate) {
    this.drainRate = drainRate;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CircuitBreaker c
        && Objects.equals(consecutiveFailures, c.consecutiveFailures)
        && Objects.equals(failureRatio, c.failureRatio)
        && Objects.equals(window, c.window)
        && Objects.equals(openFor, c.openFor)
        && Objects.equals(drainRate, c.drainRate);
  }

  @Override
  public int hashCode() {
    return Objects.hash(consecutiveFailures, failureRatio, window, openFor, drainRate);
  }
}
