package dev.rewind.api.v1alpha1.retrypolicy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.retrypolicy.spec.Backoff;
import dev.rewind.api.v1alpha1.retrypolicy.spec.BackoffPolicy;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyChecksTest {

  private static RetryPolicySpec spec(Consumer<RetryPolicySpec> edit) {
    RetryPolicySpec spec = new RetryPolicySpec();
    spec.setBackoff(new Backoff());
    edit.accept(spec);
    return spec;
  }

  @Test
  void anEmptySpecIsTheDefaultsAndPasses() {
    assertThat(RetryPolicyChecks.problem(new RetryPolicySpec())).isNull();
  }

  @Test
  void theDefaultsWrittenOutPass() {
    assertThat(RetryPolicyChecks.problem(spec(s -> {
      s.setTimeout("10s");
      s.setMaxAge("24h");
      s.getBackoff().setInitialDelay("1s");
      s.getBackoff().setMaxDelay("5m");
      s.getBackoff().setMultiplier(2.0);
      s.getBackoff().setPolicy(BackoffPolicy.EXPONENTIAL);
      s.setRetryOn(List.of("5xx", "408", "429", "connect-failure", "timeout", "tls-failure", "500-504", "4xx"));
    }))).isNull();
  }

  @Test
  void noSpecIsAProblem() {
    assertThat(RetryPolicyChecks.problem(null)).isEqualTo("the policy has no spec");
  }

  @Test
  void anOverflowingTimeoutIsNamedNotThrown() {
    assertThat(RetryPolicyChecks.problem(spec(s -> s.setTimeout("99999999999h"))))
        .startsWith("timeout: \"99999999999h\" is not a duration");
  }

  @Test
  void aZeroTimeoutIsRefused() {
    assertThat(RetryPolicyChecks.problem(spec(s -> s.setTimeout("0s"))))
        .isEqualTo("timeout must be more than 0s and at most 1h, not 0s");
  }

  @Test
  void eachDurationFieldIsNamed() {
    assertThat(RetryPolicyChecks.problem(spec(s -> s.getBackoff().setInitialDelay("25h"))))
        .startsWith("backoff.initialDelay must be at most 24h");
    assertThat(RetryPolicyChecks.problem(spec(s -> s.getBackoff().setMaxDelay("1.5s1m"))))
        .startsWith("backoff.maxDelay: \"1.5s1m\" is not a duration");
    assertThat(RetryPolicyChecks.problem(spec(s -> s.setMaxAge("721h"))))
        .startsWith("maxAge must be at most 720h");
  }

  @Test
  void crossFieldRulesMatchTheCrd() {
    assertThat(RetryPolicyChecks.problem(spec(s -> {
      s.getBackoff().setInitialDelay("10s");
      s.getBackoff().setMaxDelay("5s");
    }))).isEqualTo("backoff.maxDelay must be at least backoff.initialDelay");
    assertThat(RetryPolicyChecks.problem(spec(s -> {
      s.setTimeout("30s");
      s.setMaxAge("10s");
    }))).isEqualTo("maxAge must be at least timeout, or no attempt could complete");
    assertThat(RetryPolicyChecks.problem(spec(s -> {
      s.getBackoff().setPolicy(BackoffPolicy.EXPONENTIAL);
      s.getBackoff().setMultiplier(1.0);
    }))).isEqualTo("backoff.multiplier must be greater than 1 for exponential backoff");
  }

  @ParameterizedTest
  @ValueSource(strings = {"2xx", "200", "1xx", "3xx", "301", "199-200", "200-500", "600", "6xx"})
  void retryOnNamesFailuresOnly(String outcome) {
    assertThat(RetryPolicyChecks.problem(spec(s -> s.setRetryOn(List.of("5xx", outcome)))))
        .startsWith("retryOn: \"" + outcome + "\" is not a failure outcome");
    assertThat(Pattern.compile(RetryPolicySpec.OUTCOME_PATTERN).matcher(outcome).find()).isFalse();
  }

  @Test
  void retryOnRangesRunForward() {
    assertThat(RetryPolicyChecks.problem(spec(s -> s.setRetryOn(List.of("504-500")))))
        .isEqualTo("retryOn: range \"504-500\" runs backwards; retryOn ranges must run from low to high, for"
            + " example 500-504");
    assertThat(RetryPolicyChecks.problem(spec(s -> s.setRetryOn(List.of("500-500"))))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"2xx", "200", "1xx", "3xx", "100-599", "5xx", "timeout", "connect-failure", "tls-failure"})
  void lastOutcomeKeepsSelectingAnyOutcome(String outcome) {
    assertThat(Pattern.compile(ReplaySpec.LAST_OUTCOME_PATTERN).matcher(outcome).find()).isTrue();
  }
}
