package dev.rewind.operator.model;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicyChecks;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.route.RouteResolver;
import java.util.Optional;

/**
 * Whether a Route's RetryPolicy reference resolves: the ResolvedRefs condition. Checked on its own, apart from
 * {@link RouteResolver} (which stops at the first problem, the destination before the policy), so a Route with a
 * blocked destination still says whether its policy was found.
 *
 * @param resolved whether the reference resolved (a Route without one has nothing to resolve)
 * @param reason CamelCase reason: {@link #RESOLVED}, or the resolver's RetryPolicyNotFound / InvalidRetryPolicy
 */
public record PolicyCheck(boolean resolved, String reason, String message, Long policyGeneration) {

  public static final String RESOLVED = "Resolved";

  /**
   * @param policy the referenced policy as the informer holds it, or empty when it does not exist
   */
  public static PolicyCheck of(Route route, Optional<RetryPolicy> policy) {
    Optional<String> reference = PolicyReferences.referencedPolicy(route);
    if (reference.isEmpty()) {
      return new PolicyCheck(true, RESOLVED, "no retryPolicyRef: one attempt per event, no retries", null);
    }
    String name = reference.get();
    if (policy.isEmpty()) {
      return new PolicyCheck(false, RouteResolver.Reason.RetryPolicyNotFound.name(),
          "RetryPolicy \"" + name + "\" not found in namespace " + route.getMetadata().getNamespace(), null);
    }
    Long generation = policy.get().getMetadata().getGeneration();
    Optional<String> problem = problem(policy.get().getSpec());
    if (problem.isPresent()) {
      return new PolicyCheck(false, RouteResolver.Reason.InvalidRetryPolicy.name(),
          "RetryPolicy \"" + name + "\": " + problem.get(), generation);
    }
    return new PolicyCheck(true, RESOLVED, "RetryPolicy \"" + name + "\" (generation " + generation + ")",
        generation);
  }

  /** What is wrong with a policy spec that the CRD schema let through, if anything. */
  public static Optional<String> problem(RetryPolicySpec spec) {
    // The CRD's rules first, so a policy stored before a bound existed gets a message naming its field.
    String invalid = RetryPolicyChecks.problem(spec);
    if (invalid != null) {
      return Optional.of(invalid);
    }
    try {
      ResolvedPolicy.from(spec);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }
}
