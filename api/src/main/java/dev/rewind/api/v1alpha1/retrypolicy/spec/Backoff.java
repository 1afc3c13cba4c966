package dev.rewind.api.v1alpha1.retrypolicy.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.time.DurationLimits;
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
 * The delay before retry n (n = 1 after the first failed attempt):
 *
 * <pre>
 *   base(n)  = initialDelay                          fixed
 *            = initialDelay × n                      linear
 *            = initialDelay × multiplier^(n−1)       exponential
 *   delay(n) = min(maxDelay, base(n) × (1 + jitter × u)),  u uniform in [−1, 1)
 * </pre>
 *
 * Jitter spreads retries of many events apart; the cap is applied after it, so jitter never pushes a delay past
 * maxDelay.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// The has() guards matter when the API server checks the CRD itself: the default of backoff ({}) is validated
// against these rules before nested defaults are filled in. Stored objects always carry every field.
@ValidationRule(
    value = "!has(self.policy) || !has(self.multiplier) || self.policy != 'exponential'"
        + " || self.multiplier > 1.0",
    message = "backoff.multiplier must be greater than 1 for exponential backoff",
    fieldPath = ".multiplier")
@ValidationRule(
    value = "!has(self.maxDelay) || !has(self.initialDelay)"
        + " || !self.maxDelay.matches('" + Durations.PATTERN + "')"
        + " || !self.initialDelay.matches('" + Durations.PATTERN + "')"
        + " || duration(self.maxDelay) >= duration(self.initialDelay)",
    message = "backoff.maxDelay must be at least backoff.initialDelay",
    fieldPath = ".maxDelay")
public class Backoff {

  @Default("exponential")
  @JsonPropertyDescription(
      "exponential: initialDelay × multiplier^(n−1); linear: initialDelay × n; fixed: initialDelay, for retry n"
          + " (n = 1 after the first failure), then jitter, then the maxDelay cap. Default: exponential.")
  private BackoffPolicy policy;

  @Default("1s")
  @Size(min = 1, max = 32)
  @Pattern(Rewind.DURATION_PATTERN)
  @ValidationRule(value = DurationLimits.BACKOFF_DELAY_RULE, message = DurationLimits.INITIAL_DELAY_MESSAGE)
  @JsonPropertyDescription(
      "Delay before the first retry, as a duration (500ms, 1s, 1m30s) of at most 24h. Default: 1s.")
  private String initialDelay;

  @Default("2")
  @Min(1)
  @Max(10)
  @JsonPropertyDescription("Growth factor of exponential backoff; must be greater than 1 there. Default: 2.")
  private Double multiplier;

  @Default("5m")
  @Size(min = 1, max = 32)
  @Pattern(Rewind.DURATION_PATTERN)
  @ValidationRule(value = DurationLimits.BACKOFF_DELAY_RULE, message = DurationLimits.MAX_DELAY_MESSAGE)
  @JsonPropertyDescription(
      "Cap on any delay, applied after jitter and to Retry-After: a duration of at least initialDelay and at most"
          + " 24h. Default: 5m.")
  private String maxDelay;

  @Default("0.2")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription(
      "Jitter fraction j in [0, 1]: each delay is multiplied by a uniform factor in [1−j, 1+j), then capped at"
          + " maxDelay. Default: 0.2.")
  private Double jitter;

  public BackoffPolicy getPolicy() {
    return policy;
  }

  public void setPolicy(BackoffPolicy policy) {
    this.policy = policy;
  }

  public String getInitialDelay() {
    return initialDelay;
  }

  public void setInitialDelay(String initialDelay) {
    this.initialDelay = initialDelay;
  }

  public Double getMultiplier() {
    return multiplier;
  }

  public void setMultiplier(Double multiplier) {
    this.multiplier = multiplier;
  }

  public String getMaxDelay() {
    return maxDelay;
  }

  public void setMaxDelay(String maxDelay) {
    this.maxDelay = maxDelay;
  }

  public Double getJitter() {
    return jitter;
  }

  public void setJitter(Double jitter) {
    this.jitter = jitter;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Backoff b
        && policy == b.policy
        && Objects.equals(initialDelay, b.initialDelay)
        && Objects.equals(multiplier, b.multiplier)
        && Objects.equals(maxDelay, b.maxDelay)
        && Objects.equals(jitter, b.jitter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(policy, initialDelay, multiplier, maxDelay, jitter);
  }
}
