package dev.rewind.api.v1alpha1.retrypolicy;

import dev.rewind.api.time.DurationLimits;
import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.retrypolicy.spec.Backoff;
import dev.rewind.api.v1alpha1.retrypolicy.spec.BackoffPolicy;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The CRD's rules for a RetryPolicy spec, in Java: what admission refuses, this refuses with a message naming the
 * field. For objects that never went through admission (the sidecar's file routes) or were stored under an older
 * schema, so they end in a condition rather than an exception. Absent fields are the CRD defaults and pass.
 */
public final class RetryPolicyChecks {

  private static final Pattern OUTCOME = Pattern.compile(RetryPolicySpec.OUTCOME_PATTERN);

  private RetryPolicyChecks() {}

  /** The first problem found, naming its field, or null when the spec is one admission accepts. */
  public static String problem(RetryPolicySpec spec) {
    if (spec == null) {
      return "the policy has no spec";
    }
    Backoff backoff = spec.getBackoff() == null ? new Backoff() : spec.getBackoff();
    String problem = firstOf(
        duration("timeout", spec.getTimeout(), DurationLimits.TIMEOUT),
        duration("backoff.initialDelay", backoff.getInitialDelay(), DurationLimits.INITIAL_DELAY),
        duration("backoff.maxDelay", backoff.getMaxDelay(), DurationLimits.MAX_DELAY),
        duration("maxAge", spec.getMaxAge(), DurationLimits.MAX_AGE));
    if (problem != null) {
      return problem;
    }
    if (backoff.getInitialDelay() != null && backoff.getMaxDelay() != null
        && Durations.parse(backoff.getMaxDelay()).compareTo(Durations.parse(backoff.getInitialDelay())) < 0) {
      return "backoff.maxDelay must be at least backoff.initialDelay";
    }
    if (spec.getTimeout() != null && spec.getMaxAge() != null
        && Durations.parse(spec.getMaxAge()).compareTo(Durations.parse(spec.getTimeout())) < 0) {
      return DurationLimits.MAX_AGE_AT_LEAST_TIMEOUT_MESSAGE;
    }
    if (backoff.getPolicy() == BackoffPolicy.EXPONENTIAL && backoff.getMultiplier() != null
        && !(backoff.getMultiplier() > 1.0)) {
      return "backoff.multiplier must be greater than 1 for exponential backoff";
    }
    return retryOn(spec.getRetryOn());
  }

  private static String duration(String field, String text, DurationLimits.Bound bound) {
    return text == null ? null : DurationLimits.check(field, text, bound);
  }

  private static String retryOn(List<String> outcomes) {
    if (outcomes == null) {
      return null;
    }
    for (String outcome : outcomes) {
      if (outcome == null || !OUTCOME.matcher(outcome).matches()) {
        return "retryOn: \"" + outcome + "\" is not a failure outcome: use a 4xx or 5xx status code (503), a"
            + " class (4xx, 5xx), a range (500-504), connect-failure, timeout or tls-failure";
      }
      if (outcome.length() == 7 && outcome.charAt(3) == '-'
          && outcome.substring(0, 3).compareTo(outcome.substring(4)) > 0) {
        return "retryOn: range \"" + outcome + "\" runs backwards; " + RetryPolicySpec.RANGES_FORWARD_MESSAGE;
      }
    }
    return null;
  }

  private static String firstOf(String... problems) {
    for (String problem : problems) {
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }
}
