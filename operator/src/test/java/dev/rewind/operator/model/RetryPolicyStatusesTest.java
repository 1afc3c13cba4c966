package dev.rewind.operator.model;

import static dev.rewind.operator.testing.Objects.backwardsRange;
import static dev.rewind.operator.testing.Objects.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicyStatus;
import dev.rewind.api.v1alpha1.retrypolicy.spec.Backoff;
import dev.rewind.api.v1alpha1.retrypolicy.spec.BackoffPolicy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyStatusesTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  @Test
  void aPolicyThatResolvesIsReadyAndSummarisesItself() {
    RetryPolicySpec spec = new RetryPolicySpec();
    spec.setMaxAttempts(3);
    Backoff backoff = new Backoff();
    backoff.setPolicy(BackoffPolicy.EXPONENTIAL);
    backoff.setInitialDelay("200ms");
    backoff.setMaxDelay("2s");
    spec.setBackoff(backoff);
    spec.setTimeout("500ms");
    spec.setRetryOn(List.of("5xx", "timeout"));
    spec.setMaxAge("1h");

    RetryPolicyStatus status = RetryPolicyStatuses.desired(policy("ns", "quick", 2, spec), 4, NOW);

    assertThat(status.getRoutes()).isEqualTo(4);
    assertThat(status.getObservedGeneration()).isEqualTo(2L);
    assertThat(status.getConditions()).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("Valid");
      assertThat(c.getMessage()).isEqualTo("up to 3 attempts, exponential backoff from 200ms to 2s, timeout 500ms,"
          + " retry on 5xx, timeout, give up after 1h");
    });
  }

  @Test
  void aPolicyThatPassedTheSchemaButDoesNotResolveIsNotReady() {
    RetryPolicyStatus status = RetryPolicyStatuses.desired(policy("ns", "broken", 1, backwardsRange()), 0, NOW);

    assertThat(status.getRoutes()).isZero();
    assertThat(status.getConditions()).singleElement()
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "InvalidRetryPolicy");
    assertThat(status.getConditions().get(0).getMessage()).contains("504-500");
  }

  @Test
  void aStoredPolicyWithAnOverflowingTimeoutGetsAConditionNamingTheField() {
    // Used to throw ArithmeticException: the policy got no status at all.
    RetryPolicySpec spec = new RetryPolicySpec();
    spec.setTimeout("99999999999h");

    RetryPolicyStatus status = RetryPolicyStatuses.desired(policy("ns", "huge", 1, spec), 0, NOW);

    assertThat(status.getConditions()).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("InvalidRetryPolicy");
      assertThat(c.getMessage()).startsWith("timeout: \"99999999999h\" is not a duration: write hours, minutes");
    });
  }

  @Test
  void aZeroTimeoutIsNotReady() {
    // Used to be Ready, and every attempt then ended as a timeout.
    RetryPolicySpec spec = new RetryPolicySpec();
    spec.setTimeout("0s");

    RetryPolicyStatus status = RetryPolicyStatuses.desired(policy("ns", "zero", 1, spec), 0, NOW);

    assertThat(status.getConditions()).singleElement()
        .extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
        .containsExactly("False", "InvalidRetryPolicy", "timeout must be more than 0s and at most 1h, not 0s");
  }

  @Test
  void retryingOnSuccessIsNotReady() {
    RetryPolicySpec spec = new RetryPolicySpec();
    spec.setRetryOn(List.of("5xx", "2xx"));

    RetryPolicyStatus status = RetryPolicyStatuses.desired(policy("ns", "success", 1, spec), 0, NOW);

    assertThat(status.getConditions()).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getMessage()).startsWith("retryOn: \"2xx\" is not a failure outcome");
    });
  }

  @Test
  void aMaxAgeShorterThanTheTimeoutIsNotReady() {
    RetryPolicySpec spec = new RetryPolicySpec();
    spec.setTimeout("30s");
    spec.setMaxAge("10s");

    RetryPolicyStatus status = RetryPolicyStatuses.desired(policy("ns", "short", 1, spec), 0, NOW);

    assertThat(status.getConditions().get(0).getMessage())
        .isEqualTo("maxAge must be at least timeout, or no attempt could complete");
  }

  @Test
  void aNewRouteCountIsAStatusChangeButNotATransition() {
    RetryPolicy policy = policy("ns", "quick", 1, 3);
    policy.setStatus(RetryPolicyStatuses.desired(policy, 1, NOW));

    RetryPolicyStatus recount = RetryPolicyStatuses.desired(policy, 2, NOW.plusSeconds(60));

    assertThat(recount).isNotEqualTo(policy.getStatus());
    assertThat(recount.getConditions()).isEqualTo(policy.getStatus().getConditions());
    assertThat(RetryPolicyStatuses.desired(policy, 1, NOW.plusSeconds(60))).isEqualTo(policy.getStatus());
  }
}
