package dev.rewind.operator.model;

import static dev.rewind.operator.testing.Objects.backwardsRange;
import static dev.rewind.operator.testing.Objects.policy;
import static dev.rewind.operator.testing.Objects.route;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyCheckTest {

  @Test
  void aRouteWithoutReferenceHasNothingToResolve() {
    PolicyCheck check = PolicyCheck.of(route("ns", "r", 1, "http://b/", null), Optional.empty());

    assertThat(check.resolved()).isTrue();
    assertThat(check.reason()).isEqualTo("Resolved");
    assertThat(check.policyGeneration()).isNull();
  }

  @Test
  void aMissingPolicyIsNotFound() {
    PolicyCheck check = PolicyCheck.of(route("ns", "r", 1, "http://b/", "quick"), Optional.empty());

    assertThat(check).isEqualTo(new PolicyCheck(false, "RetryPolicyNotFound",
        "RetryPolicy \"quick\" not found in namespace ns", null));
  }

  @Test
  void aPolicyThatDoesNotResolveIsInvalid() {
    PolicyCheck check = PolicyCheck.of(route("ns", "r", 1, "http://b/", "broken"),
        Optional.of(policy("ns", "broken", 3, backwardsRange())));

    assertThat(check.resolved()).isFalse();
    assertThat(check.reason()).isEqualTo("InvalidRetryPolicy");
    assertThat(check.message()).startsWith("RetryPolicy \"broken\": ").contains("runs backwards");
    assertThat(check.policyGeneration()).isEqualTo(3L);
  }

  @Test
  void aPolicyThatResolvesNamesItsGeneration() {
    PolicyCheck check = PolicyCheck.of(route("ns", "r", 1, "http://b/", "quick"),
        Optional.of(policy("ns", "quick", 5, 3)));

    assertThat(check).isEqualTo(new PolicyCheck(true, "Resolved", "RetryPolicy \"quick\" (generation 5)", 5L));
  }

  @Test
  void aPolicyWithoutSpecIsAProblem() {
    assertThat(PolicyCheck.problem(null)).contains("the policy has no spec");
  }
}
