package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayStatusViewTest {

  private static final Instant CREATED = Instant.parse("2026-11-27T10:00:00.123Z");
  private static final Instant STARTED = Instant.parse("2026-11-27T10:00:01.456Z");
  private static final Instant COMPLETED = Instant.parse("2026-11-27T10:05:00.789Z");

  private static ReplayRecord record(ReplayPhase phase, long matched, long delivered, long failed) {
    boolean ended = phase.isTerminal();
    return new ReplayRecord(UUID.randomUUID(), "shop", "failed-orders", phase, matched, delivered, failed,
        List.of(), null, CREATED, phase == ReplayPhase.Pending ? null : STARTED, ended ? COMPLETED : null, null);
  }

  private static Condition condition(ReplayStatusView view, String type) {
    return view.conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void aRunningReplayCountsWhatIsLeftAndIsNotComplete() {
    ReplayStatusView view = ReplayStatusView.of(record(ReplayPhase.Running, 10, 6, 1));

    assertThat(view.remaining()).isEqualTo(3);
    assertThat(view.message()).isEqualTo("delivered 6 of 10 events; 1 given up on, 3 remaining");
    assertThat(condition(view, ReplayStatus.COMPLETE).getStatus()).isEqualTo(Condition.FALSE);
    assertThat(condition(view, ReplayStatus.COMPLETE).getReason()).isEqualTo("Running");
    assertThat(condition(view, ReplayStatus.FAILED).getStatus()).isEqualTo(Condition.FALSE);
    assertThat(view.terminal()).isFalse();
  }

  @Test
  void progressChangesTheMessageButNotTheConditions() {
    ReplayStatusView early = ReplayStatusView.of(record(ReplayPhase.Running, 10, 1, 0));
    ReplayStatusView later = ReplayStatusView.of(record(ReplayPhase.Running, 10, 9, 0));

    assertThat(later.message()).isNotEqualTo(early.message());
    assertThat(later.conditions()).isEqualTo(early.conditions());
  }

  /**
   * Every phase, and every way a Failed replay can have ended: Complete and Failed as a Job's, so kubectl wait
   * --for=condition=Complete is satisfied only by a replay that did what it was asked.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      // phase,          refusal message (| for none),            started, matched, Complete, Failed, reason
      "Pending,          |,                                        false,   0,       False,    False,  Pending",
      "Running,          |,                                        true,    10,      False,    False,  Running",
      "Succeeded,        |,                                        true,    10,      True,     False,  Succeeded",
      "Succeeded,        |,                                        true,    0,       True,     False,  Succeeded",
      "Previewed,        |,                                        true,    10,      True,     False,  Previewed",
      "Previewed,        1200 events matched,                      true,    1200,    True,     False,  Previewed",
      "PartiallyFailed,  |,                                        true,    10,      False,    True,   SomeEventsFailed",
      "Failed,           |,                                        true,    10,      False,    True,   AllEventsFailed",
      "Failed,           1200 events matched,                      false,   1200,    False,    True,   TooManyEvents",
      "Failed,           'RouteNotFound: spec.routeRef.name: x',   false,   0,       False,    True,   RouteNotFound",
      "Failed,           'RetryPolicyNotFound: spec.override.x',   false,   0,       False,    True,   RetryPolicyNotFound",
      "Failed,           'InvalidSpec: spec.since: bad',           false,   0,       False,    True,   InvalidSpec",
      "Failed,           'override.retryPolicyRef: not found',     false,   0,       False,    True,   Refused",
      "Cancelled,        |,                                        true,    10,      False,    True,   Cancelled",
      "Cancelled,        cancelled before it started,              false,   0,       False,    True,   Cancelled"})
  void conditionsAreAJobsCompleteOnlyOnSuccessFailedOtherwiseNeverBoth(ReplayPhase phase, String message,
      boolean started, long matched, String complete, String failed, String reason) {
    boolean ended = phase.isTerminal();
    ReplayRecord r = new ReplayRecord(UUID.randomUUID(), "shop", "r", phase, matched,
        phase == ReplayPhase.Succeeded ? matched : phase == ReplayPhase.PartiallyFailed ? 4 : 0,
        phase == ReplayPhase.Failed && started ? matched : phase == ReplayPhase.PartiallyFailed ? 6 : 0, List.of(),
        "|".equals(message) ? null : message, CREATED, started ? STARTED : null, ended ? COMPLETED : null, null);

    ReplayStatusView view = ReplayStatusView.of(r);

    assertThat(view.conditions()).extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactly(tuple(ReplayStatus.COMPLETE, complete, reason), tuple(ReplayStatus.FAILED, failed, reason));
    assertThat(view.conditions()).filteredOn(Condition::isTrue).hasSizeLessThanOrEqualTo(1);
    assertThat(view.conditions()).filteredOn(Condition::isTrue).hasSize(ended ? 1 : 0);
    // The True condition changed when the replay ended; the False one has not changed since it was created.
    view.conditions().forEach(c -> assertThat(c.getLastTransitionTime())
        .isEqualTo(c.isTrue() ? "2026-11-27T10:05:00Z" : "2026-11-27T10:00:00Z"));
    // The True condition says what the status says; the reason prefix of a stored refusal is never shown.
    view.conditions().stream().filter(Condition::isTrue)
        .forEach(c -> assertThat(c.getMessage()).isEqualTo(view.message()));
    assertThat(view.message()).doesNotStartWith(reason + ":");
    assertThat(view.failedOutcome()).isEqualTo(phase == ReplayPhase.Failed || phase == ReplayPhase.PartiallyFailed);
  }

  @Test
  void aReplayThatGaveUpSaysHowMostOfItsEventsFailed() {
    ReplayStatusView blocked = ReplayStatusView.of(record(ReplayPhase.Failed, 12, 0, 12),
        new ReplayFailureSummary(12, "blocked", "169.254.169.254: address 169.254.169.254 is in blocked range"
            + " 169.254.0.0/16", "http://169.254.169.254/latest/meta-data"));
    ReplayStatusView answered = ReplayStatusView.of(record(ReplayPhase.PartiallyFailed, 10, 7, 3),
        new ReplayFailureSummary(2, null, "503", "http://service-b/orders"));
    ReplayStatusView timedOut = ReplayStatusView.of(record(ReplayPhase.Failed, 1, 0, 1),
        new ReplayFailureSummary(1, "timeout", "no answer within 5s", "http://slow/x"));

    assertThat(blocked.message()).isEqualTo("the replay's policy gave up on all 12 events; none was delivered;"
        + " 12 of the 12 failed with: destination http://169.254.169.254/latest/meta-data is refused by the address"
        + " policy (169.254.169.254: address 169.254.169.254 is in blocked range 169.254.0.0/16)");
    assertThat(answered.message()).isEqualTo("delivered 7 of 10 events; the replay's policy gave up on 3; 2 of the"
        + " 3 failed with: HTTP 503 from http://service-b/orders");
    assertThat(timedOut.message()).endsWith("1 of the 1 failed with: timeout — no answer within 5s (http://slow/x)");
    assertThat(condition(blocked, ReplayStatus.FAILED).getMessage()).isEqualTo(blocked.message());
  }

  @Test
  void endedReplaysHaveNothingRemainingExceptACancelledOne() {
    assertThat(ReplayStatusView.of(record(ReplayPhase.PartiallyFailed, 10, 7, 3)).remaining()).isZero();
    assertThat(ReplayStatusView.of(record(ReplayPhase.Cancelled, 10, 4, 0)).remaining()).isEqualTo(6);
    assertThat(ReplayStatusView.of(record(ReplayPhase.Cancelled, 10, 4, 0)).message())
        .isEqualTo("cancelled after delivering 4 of 10 events");
  }

  @Test
  void messagesSayWhatHappened() {
    assertThat(ReplayStatusView.of(record(ReplayPhase.Succeeded, 3, 3, 0)).message())
        .isEqualTo("delivered all 3 events");
    assertThat(ReplayStatusView.of(record(ReplayPhase.Succeeded, 0, 0, 0)).message())
        .isEqualTo("no events matched; nothing to replay");
    assertThat(ReplayStatusView.of(record(ReplayPhase.PartiallyFailed, 3, 2, 1)).message())
        .isEqualTo("delivered 2 of 3 events; the replay's policy gave up on 1");
    assertThat(ReplayStatusView.of(record(ReplayPhase.Failed, 1, 0, 1)).message())
        .isEqualTo("the replay's policy gave up on all 1 event; none was delivered");
    assertThat(ReplayStatusView.of(record(ReplayPhase.Previewed, 12, 0, 0)).message())
        .isEqualTo("dry run: 12 events match; nothing was delivered");
  }

  @Test
  void aRefusalKeepsItsReason() {
    ReplayRecord refused = new ReplayRecord(UUID.randomUUID(), "shop", "big", ReplayPhase.Failed, 1200, 0, 0,
        List.of(), ReplayStore.tooMany(1200, 1000), CREATED, null, COMPLETED, null);

    ReplayStatusView view = ReplayStatusView.of(refused);

    assertThat(view.message()).startsWith("1200 events matched, more than maxEvents 1000; raise maxEvents");
    assertThat(condition(view, ReplayStatus.FAILED).getMessage()).isEqualTo(view.message());
    assertThat(view.matched()).isEqualTo(1200);
    assertThat(view.startedAt()).isNull();
  }

  @Test
  void theSameRecordGivesAnEqualStatusSoAReconcilerWritesOnlyOnChange() {
    ReplayRecord r = record(ReplayPhase.Running, 10, 5, 0);

    ReplayStatus first = ReplayStatusView.of(r).toStatus(3L);
    ReplayStatus second = ReplayStatusView.of(r).toStatus(3L);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void toStatusFillsEveryField() {
    ReplayRecord preview = new ReplayRecord(UUID.randomUUID(), "shop", "look", ReplayPhase.Previewed, 2, 0, 0,
        List.of("a", "b"), null, CREATED, STARTED, COMPLETED, null);

    ReplayStatus status = ReplayStatusView.of(preview).toStatus(7L);

    assertThat(status.getPhase()).isEqualTo(ReplayPhase.Previewed);
    assertThat(status.getMatched()).isEqualTo(2);
    assertThat(status.getDelivered()).isZero();
    assertThat(status.getFailed()).isZero();
    assertThat(status.getRemaining()).isZero();
    assertThat(status.getSample()).containsExactly("a", "b");
    assertThat(status.getStartedAt()).isEqualTo("2026-11-27T10:00:01Z");
    assertThat(status.getCompletedAt()).isEqualTo("2026-11-27T10:05:00Z");
    assertThat(status.getObservedGeneration()).isEqualTo(7L);
    assertThat(status.getConditions()).extracting(Condition::getType)
        .containsExactly(ReplayStatus.COMPLETE, ReplayStatus.FAILED);
    assertThat(status.getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(7L));
    assertThat(status.getMessage()).isEqualTo("dry run: 2 events match; nothing was delivered");
  }
}
