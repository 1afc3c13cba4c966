package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.delivery.BreakerStateMachine.Gate;
import dev.rewind.journal.delivery.BreakerStateMachine.State;
import dev.rewind.journal.retry.ErrorClass;
import dev.rewind.journal.retry.Outcome;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.retry.RetryDecider;
import dev.rewind.journal.retry.RetryDecision;
import dev.rewind.journal.store.BreakerRow;
import dev.rewind.journal.testing.Routes;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BreakerStateMachineTest {

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration NOW = Duration.ZERO;

  private static BreakerRow row(String state, Instant openedAt, String owner, Instant probeUntil, String hold) {
    return new BreakerRow("http://b:80", state, openedAt, 30_000, owner, probeUntil, "w", "503", hold, T);
  }

  @Test
  void noRowOrClosedDelivers() {
    assertThat(BreakerStateMachine.gate(null, "w1", NOW)).isEqualTo(Gate.DELIVER);
    assertThat(BreakerStateMachine.gate(BreakerRow.closed("http://b:80"), "w1", NOW)).isEqualTo(Gate.DELIVER);
  }

  @Test
  void openHoldsUntilOpenForHasPassedThenAProbeIsDue() {
    BreakerRow open = row("open", T.minusSeconds(10), null, null, null);
    assertThat(BreakerStateMachine.gate(open, "w1", NOW)).isEqualTo(Gate.HOLD);
    assertThat(BreakerStateMachine.gate(open, "w1", Duration.ofSeconds(19))).isEqualTo(Gate.HOLD);
    assertThat(BreakerStateMachine.gate(open, "w1", Duration.ofSeconds(20))).isEqualTo(Gate.TRY_PROBE);
  }

  @Test
  void halfOpenIsProbedByItsOwnerAndHeldForOthersUntilTheLeaseRunsOut() {
    BreakerRow half = row("half_open", T.minusSeconds(40), "w1", T.plusSeconds(5), null);
    assertThat(BreakerStateMachine.gate(half, "w1", NOW)).isEqualTo(Gate.PROBING);
    assertThat(BreakerStateMachine.gate(half, "w2", NOW)).isEqualTo(Gate.HOLD);
    assertThat(BreakerStateMachine.gate(half, "w2", Duration.ofSeconds(5))).as("lease expired")
        .isEqualTo(Gate.TRY_PROBE);
    assertThat(BreakerStateMachine.gate(half, "w1", Duration.ofSeconds(5))).as("even its owner retakes it")
        .isEqualTo(Gate.TRY_PROBE);
  }

  @Test
  void drainingDrainsAndAHoldReasonHoldsWhateverTheState() {
    assertThat(BreakerStateMachine.gate(row("draining", T, null, null, null), "w", NOW)).isEqualTo(Gate.DRAIN);
    for (String s : new String[] {"closed", "open", "half_open", "draining"}) {
      assertThat(BreakerStateMachine.gate(row(s, T.minusSeconds(3600), "w", T.plusSeconds(1), "no endpoints"),
          "w", NOW)).as(s).isEqualTo(Gate.HOLD);
    }
  }

  private static final ResolvedPolicy POLICY = Routes.to("p", "http://b/", """
      maxAttempts: 3
      retryOn: [5xx, connect-failure, timeout]
      maxAge: 1m
      backoff: {policy: fixed, initialDelay: 1s, maxDelay: 1s, jitter: 0}
      circuitBreaker: {}
      """).policy();

  @Test
  void onlyRetryableFailuresAndSuccessesCount() {
    assertThat(BreakerStateMachine.countedFailure(POLICY, Outcome.status(503))).isTrue();
    assertThat(BreakerStateMachine.countedFailure(POLICY, Outcome.failure(ErrorClass.CONNECT))).isTrue();
    assertThat(BreakerStateMachine.countedFailure(POLICY, Outcome.status(400))).isFalse();
    assertThat(BreakerStateMachine.counted(POLICY, Outcome.status(400))).isFalse();
    assertThat(BreakerStateMachine.counted(POLICY, Outcome.failure(ErrorClass.CONFIG))).isFalse();
    assertThat(BreakerStateMachine.counted(POLICY, Outcome.status(200))).isTrue();
    assertThat(BreakerStateMachine.countedFailure(POLICY, Outcome.status(200))).isFalse();
  }

  @Test
  void aProbeThatGetsAnyAnswerButARetryableFailureStartsTheDrain() {
    assertThat(BreakerStateMachine.afterProbe(POLICY, Outcome.status(200))).isEqualTo(State.DRAINING);
    assertThat(BreakerStateMachine.afterProbe(POLICY, Outcome.status(422))).isEqualTo(State.DRAINING);
    assertThat(BreakerStateMachine.afterProbe(POLICY, Outcome.status(503))).isEqualTo(State.OPEN);
    assertThat(BreakerStateMachine.afterProbe(POLICY, Outcome.failure(ErrorClass.TIMEOUT))).isEqualTo(State.OPEN);
  }

  @Test
  void theDefaultsOfAnEmptyCircuitBreakerAreTheCrdDefaults() {
    assertThat(POLICY.breaker().consecutiveFailures()).isEqualTo(5);
    assertThat(POLICY.breaker().failureRatio()).isZero();
    assertThat(POLICY.breaker().window()).isEqualTo(20);
    assertThat(POLICY.breaker().openFor()).isEqualTo(Duration.ofSeconds(30));
    assertThat(POLICY.breaker().drainRate()).isEqualTo(10);
    assertThat(Routes.to("q", "http://b/", "maxAttempts: 2").policy().breaker()).isNull();
  }

  @Test
  void anUncountedAttemptKeepsTheEventUntilMaxAgeWithoutSpendingTheBudget() {
    RetryDecision kept = RetryDecider.decideUncounted(POLICY, Outcome.status(503), T, T.plusSeconds(30), () -> 0.5);
    assertThat(kept.kind()).isEqualTo(RetryDecision.Kind.RETRY);
    RetryDecision old = RetryDecider.decideUncounted(POLICY, Outcome.status(503), T, T.plusSeconds(60),
        () -> 0.5);
    assertThat(old.kind()).isEqualTo(RetryDecision.Kind.DEAD);
    assertThat(old.reason()).contains("circuit breaker").contains("maxAge 1m");
    assertThat(RetryDecider.decideUncounted(POLICY, Outcome.status(400), T, T, () -> 0.5).kind())
        .isEqualTo(RetryDecision.Kind.DEAD);
    assertThat(RetryDecider.decideUncounted(POLICY, Outcome.status(204), T, T, () -> 0.5).kind())
        .isEqualTo(RetryDecision.Kind.DELIVERED);
  }

  @Test
  void aDestinationIsSchemeHostAndPort() {
    assertThat(BreakerStateMachine.key("http://Service-B.orders.svc:8080/orders?x=1"))
        .isEqualTo("http://service-b.orders.svc:8080");
    assertThat(BreakerStateMachine.key("https://api.example.com/a")).isEqualTo("https://api.example.com:443");
    assertThat(BreakerStateMachine.key("http://api.example.com/b")).isEqualTo("http://api.example.com:80");
  }

  @Test
  void aKafkaDestinationIsItsBootstrapList() {
    assertThat(BreakerStateMachine.key("kafka://Broker-1:9092,broker-2:9092/orders"))
        .isEqualTo("kafka://broker-1:9092,broker-2:9092");
    assertThat(BreakerStateMachine.key("kafka://broker-1:9092/refunds")).isEqualTo("kafka://broker-1:9092");
  }
}
