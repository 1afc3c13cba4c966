package dev.rewind.api.v1alpha1.retrypolicy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.time.DurationLimits;
import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.Rewind;
import dev.rewind.api.v1alpha1.retrypolicy.spec.Backoff;
import dev.rewind.api.v1alpha1.retrypolicy.spec.CircuitBreaker;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * When and how often a failed delivery is tried again. An event is retried while all hold: the outcome is listed
 * in retryOn, fewer than maxAttempts attempts were made, and the next attempt would start within maxAge of the
 * event's capture. Otherwise it becomes dead (kept, replayable).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Both are always present in a stored object (defaulted); the has() guards keep the rule safe while the API server
// checks the CRD's own defaults.
@ValidationRule(
    value = "!has(self.maxAge) || !has(self.timeout) || !self.maxAge.matches('" + Durations.PATTERN + "')"
        + " || !self.timeout.matches('" + Durations.PATTERN + "')"
        + " || duration(self.maxAge) >= duration(self.timeout)",
    message = DurationLimits.MAX_AGE_AT_LEAST_TIMEOUT_MESSAGE,
    fieldPath = ".maxAge")
public class RetryPolicySpec {

  /**
   * Matches one retryOn entry: a failure outcome, that is a 4xx or 5xx status code, a class (4xx, 5xx), a range
   * (500-504) or a failure kind. A success or redirect is never retried, so naming one is a mistake worth refusing;
   * that a range does not run backwards is {@link #RANGES_FORWARD_RULE}'s business.
   */
  public static final String OUTCOME_PATTERN =
      "^([45]xx|[45][0-9][0-9]|[45][0-9][0-9]-[45][0-9][0-9]|connect-failure|timeout|tls-failure)$";

  /**
   * Every range's low end is at most its high end. Three-digit codes compare as text the way they do as numbers.
   */
  public static final String RANGES_FORWARD_RULE =
      "self.all(o, size(o) != 7 || o.substring(3, 4) != '-' || o.substring(0, 3) <= o.substring(4, 7))";
  public static final String RANGES_FORWARD_MESSAGE =
      "retryOn ranges must run from low to high, for example 500-504";

  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Total attempts per event, the first one included; 1 means no retries. Default: 3.")
  private Integer maxAttempts;

  @Default("{}")
  @JsonPropertyDescription("Delay between attempts; see its fields for the formula. Default: exponential from 1s.")
  private Backoff backoff;

  @Default("10s")
  @Size(min = 1, max = 32)
  @Pattern(Rewind.DURATION_PATTERN)
  @ValidationRule(value = DurationLimits.TIMEOUT_RULE, message = DurationLimits.TIMEOUT_MESSAGE)
  @JsonPropertyDescription(
      "Time limit of one attempt, from connecting to the end of the response headers: a duration (500ms, 10s,"
          + " 1m30s) more than 0s and at most 1h. Default: 10s.")
  private String timeout;

  @Size(min = 1, max = 32)
  @ValidationRule(value = RANGES_FORWARD_RULE, message = RANGES_FORWARD_MESSAGE)
  @JsonPropertyDescription(
      "Outcomes that are retried, failures only: 4xx and 5xx status codes (503), classes (4xx, 5xx), ranges"
          + " from low to high (500-504), connect-failure (refused, reset, DNS), timeout and tls-failure. Any"
          + " other outcome makes the event dead at once. Default: 5xx, 408, 429, connect-failure, timeout.")
  private List<@Pattern(OUTCOME_PATTERN) @Size(min = 3, max = 15) String> retryOn;

  @Default("true")
  @JsonPropertyDescription(
      "Wait as long as a 429 or 503 answer's Retry-After header asks (seconds or HTTP date) when that is longer"
          + " than the backoff delay, clamped to backoff.maxDelay. Default: true.")
  private Boolean honorRetryAfter;

  @Default("24h")
  @Size(min = 1, max = 32)
  @Pattern(Rewind.DURATION_PATTERN)
  @ValidationRule(value = DurationLimits.MAX_AGE_RULE, message = DurationLimits.MAX_AGE_MESSAGE)
  @JsonPropertyDescription(
      "Give up once the next attempt would start later than this after the event was captured: a duration of at"
          + " least timeout and at most 720h (30 days). Default: 24h.")
  private String maxAge;

  @JsonPropertyDescription(
      "Stop attempting a destination that keeps failing, hold its events in the journal without spending their"
          + " retries, probe it one attempt at a time, and drain the held events at a bounded rate once it answers;"
          + " see its fields for the rule. maxAge still applies to held events. Default: none (no breaker).")
  private CircuitBreaker circuitBreaker;

  public CircuitBreaker getCircuitBreaker() {
    return circuitBreaker;
  }

  public void setCircuitBreaker(CircuitBreaker circuitBreaker) {
    this.circuitBreaker = circuitBreaker;
  }

  public Integer getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(Integer maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public Backoff getBackoff() {
    return backoff;
  }

  public void setBackoff(Backoff backoff) {
    this.backoff = backoff;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public List<String> getRetryOn() {
    return retryOn;
  }

  public void setRetryOn(List<String> retryOn) {
    this.retryOn = retryOn;
  }

  public Boolean getHonorRetryAfter() {
    return honorRetryAfter;
  }

  public void setHonorRetryAfter(Boolean honorRetryAfter) {
    this.honorRetryAfter = honorRetryAfter;
  }

  public String getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(String maxAge) {
    this.maxAge = maxAge;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicySpec s
        && Objects.equals(maxAttempts, s.maxAttempts)
        && Objects.equals(backoff, s.backoff)
        && Objects.equals(timeout, s.timeout)
        && Objects.equals(retryOn, s.retryOn)
        && Objects.equals(honorRetryAfter, s.honorRetryAfter)
        && Objects.equals(maxAge, s.maxAge)
        && Objects.equals(circuitBreaker, s.circuitBreaker);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, backoff, timeout, retryOn, honorRetryAfter, maxAge, circuitBreaker);
  }
}
