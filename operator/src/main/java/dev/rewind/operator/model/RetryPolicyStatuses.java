package dev.rewind.operator.model;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicyStatus;
import dev.rewind.api.time.Durations;
import dev.rewind.journal.retry.ResolvedPolicy;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** The status a RetryPolicy should have: whether its spec resolves, and how many Routes reference it. */
public final class RetryPolicyStatuses {

  /** Ready=True: the spec resolves; Routes that reference the policy can be published. */
  public static final String VALID = "Valid";
  /** Ready=False: the spec passed the schema but does not resolve. */
  public static final String INVALID = "InvalidRetryPolicy";

  private RetryPolicyStatuses() {}

  /** @param routes how many Routes of the policy's namespace reference it */
  public static RetryPolicyStatus desired(RetryPolicy policy, int routes, Instant now) {
    Long generation = policy.getMetadata().getGeneration();
    RetryPolicyStatus previous = policy.getStatus();
    RetryPolicyStatus status = new RetryPolicyStatus();
    status.setObservedGeneration(generation);
    status.setRoutes(routes);
    StatusConditions conditions =
        StatusConditions.after(previous == null ? null : previous.getConditions(), generation, now);
    Optional<String> problem = PolicyCheck.problem(policy.getSpec());
    if (problem.isPresent()) {
      conditions.set(RetryPolicyStatus.READY, false, INVALID, problem.get());
    } else {
      conditions.set(RetryPolicyStatus.READY, true, VALID, summary(ResolvedPolicy.from(policy.getSpec())));
    }
    status.setConditions(conditions.build());
    return status;
  }

  /** One line a person can check against what they meant, e.g. in {@code kubectl describe}. */
  static String summary(ResolvedPolicy p) {
    String backoff = switch (p.backoff()) {
      case FIXED -> "fixed backoff of " + Durations.format(p.initialDelay());
      default -> p.backoff().name().toLowerCase(Locale.ROOT) + " backoff from "
          + Durations.format(p.initialDelay()) + " to " + Durations.format(p.maxDelay());
    };
    return "up to " + p.maxAttempts() + " attempts, " + backoff + ", timeout " + Durations.format(p.timeout())
        + ", retry on " + String.join(", ", p.retryOn().patterns()) + ", give up after "
        + Durations.format(p.maxAge());
  }
}
