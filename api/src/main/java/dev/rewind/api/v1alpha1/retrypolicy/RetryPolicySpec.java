package dev.rewind.api.v1alpha1.retrypolicy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.v1alpha1.Rewind;
import dev.rewind.api.v1alpha1.retrypolicy.spec.Backoff;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import java.util.Objects;

/**
 * When and how often a failed delivery is tried again. An event is retried while all hold: the outcome is listed
 * in retryOn, fewer than maxAttempts attempts were made, and the next attempt would start within maxAge of the
 * event's capture. Otherwise it becomes dead (kept, replayable).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetryPolicySpec {

  /** Matches one retryOn entry: a status code, a class (5xx), a range (500-504) or a failure kind. */
  public static final String OUTCOME_PATTERN =
      "^([1-5]xx|[1-5][0-9][0-9]|[1-5][0-9][0-9]-[1-5][0-9][0-9]|connect-failure|timeout|tls-failure)$";

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
  @JsonPropertyDescription(
      "Time limit of one attempt, from connecting to the end of the response headers. Default: 10s.")
  private String timeout;

  @Size(min = 1, max = 32)
  @JsonPropertyDescription(
      "Outcomes that are retried: status codes (503), classes (5xx), ranges (500-504), connect-failure (refused,"
          + " reset, DNS), timeout and tls-failure. Any other outcome makes the event dead at once. Default:"
          + " 5xx, 408, 429, connect-failure, timeout.")
  private List<@Pattern(OUTCOME_PATTERN) @Size(min = 3, max = 15) String> retryOn;

  @Default("true")
  @JsonPropertyDescription(
      "Wait as long as a 429 or 503 answer's Retry-After header asks (seconds or HTTP date) when that is longer"
          + " than the backoff delay, clamped to backoff.maxDelay. Default: true.")
  private Boolean honorRetryAfter;

  @Default("24h")
  @Size(min = 1, max = 32)
  @Pattern(Rewind.DURATION_PATTERN)
  @JsonPropertyDescription(
      "Give up once the next attempt would start later than this after the event was captured. Default: 24h.")
  private String maxAge;

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
        && Objects.equals(maxAge, s.maxAge);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, backoff, timeout, retryOn, honorRetryAfter, maxAge);
  }
}
