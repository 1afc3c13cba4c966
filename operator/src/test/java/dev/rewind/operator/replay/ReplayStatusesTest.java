package dev.rewind.operator.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.journal.replay.ReplayRecord;
import dev.rewind.journal.replay.ReplayStatusView;
import dev.rewind.operator.model.ReplayStatuses;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The status a Replay should carry, from the store's record of it. The reconciler writes only when this differs
 * from what the Replay carries ({@code !Objects.equals(current, desired)}), so the mapping must give an equal
 * status for an unchanged record — also after the status went through the API server as JSON.
 */
class ReplayStatusesTest {

  private static final UUID ID = UUID.fromString("01a21a87-9007-79b0-9d03-d6149ccdf7f8");
  private static final Instant CREATED = Instant.parse("2026-11-27T10:31:00.123Z");
  private static final Instant STARTED = Instant.parse("2026-11-27T10:31:01.456Z");
  private static final Instant ENDED = Instant.parse("2026-11-27T10:32:30.789Z");
  private static final Instant NOW = Instant.parse("2026-11-27T10:40:00Z");

  @Test
  void aRunningReplayShowsItsCountsWithConditionsThatDoNotMoveWithProgress() {
    ReplayStatus early = ReplayStatuses.of(replay(null), view(ReplayPhase.Running, 100, 10, 1, null), NOW);
    ReplayStatus later = ReplayStatuses.of(replay(null), view(ReplayPhase.Running, 100, 60, 2, null), NOW);

    assertThat(later.getPhase()).isEqualTo(ReplayPhase.Running);
    assertThat(later.getMatched()).isEqualTo(100);
    assertThat(later.getDelivered()).isEqualTo(60);
    assertThat(later.getFailed()).isEqualTo(2);
    assertThat(later.getRemaining()).isEqualTo(38);
    assertThat(later.getStartedAt()).isEqualTo("2026-11-27T10:31:01Z");
    assertThat(later.getCompletedAt()).isNull();
    assertThat(later.getMessage()).isEqualTo("delivered 60 of 100 events; 2 given up on, 38 remaining");
    assertThat(later.getObservedGeneration()).isEqualTo(1L);
    assertThat(later.getConditions()).extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ReplayStatus.COMPLETE, "False", "Running"),
            org.assertj.core.groups.Tuple.tuple(ReplayStatus.FAILED, "False", "Running"));
    // Progress changes the counts and the message, never the conditions: kubectl wait sees no churn.
    assertThat(later.getConditions()).isEqualTo(early.getConditions());
  }

  @Test
  void anEndedReplayIsCompleteOnlyWhenItSucceededAndFailedOtherwiseNeverBoth() {
    ReplayStatus succeeded = ReplayStatuses.of(replay(null), view(ReplayPhase.Succeeded, 20, 20, 0, null), NOW);
    ReplayStatus partly = ReplayStatuses.of(replay(null), view(ReplayPhase.PartiallyFailed, 20, 15, 5, null), NOW);
    ReplayStatus failed = ReplayStatuses.of(replay(null), view(ReplayPhase.Failed, 20, 0, 20, null), NOW);

    assertThat(succeeded.getCompletedAt()).isEqualTo("2026-11-27T10:32:30Z");
    assertThat(succeeded.getRemaining()).isZero();
    assertThat(condition(succeeded, ReplayStatus.COMPLETE)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "Succeeded");
    assertThat(condition(succeeded, ReplayStatus.FAILED).getStatus()).isEqualTo("False");
    // kubectl wait --for=condition=Complete is not satisfied by a replay that gave up on events.
    assertThat(condition(partly, ReplayStatus.COMPLETE)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "SomeEventsFailed");
    assertThat(condition(partly, ReplayStatus.FAILED)).extracting(Condition::getStatus, Condition::getReason,
        Condition::getMessage).containsExactly("True", "SomeEventsFailed",
        "delivered 15 of 20 events; the replay's policy gave up on 5");
    assertThat(condition(failed, ReplayStatus.COMPLETE).getStatus()).isEqualTo("False");
    assertThat(condition(failed, ReplayStatus.FAILED)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "AllEventsFailed");
  }

  /** Every phase through every other: the True condition, never two, and transition times that move only then. */
  @Test
  void everyPhaseChangeKeepsTheConditionsRulesAndStampsOnlyTheConditionsThatTransition() {
    List<ReplayStatusView> views = List.of(
        view(ReplayPhase.Pending, 0, 0, 0, null),
        view(ReplayPhase.Running, 20, 5, 0, null),
        view(ReplayPhase.Succeeded, 20, 20, 0, null),
        view(ReplayPhase.PartiallyFailed, 20, 15, 5, null),
        view(ReplayPhase.Failed, 20, 0, 20, null),
        view(ReplayPhase.Failed, 0, 0, 0, "RouteNotFound: spec.routeRef.name: Route \"x\" not found"),
        view(ReplayPhase.Cancelled, 20, 5, 0, null),
        view(ReplayPhase.Previewed, 20, 0, 0, null));
    Instant later = NOW.plusSeconds(90);
    for (ReplayStatusView from : views) {
      ReplayStatus before = ReplayStatuses.of(replay(null), from, NOW);
      for (ReplayStatusView to : views) {
        ReplayStatus after = ReplayStatuses.of(replay(before), to, later);
        String name = from.phase() + " -> " + to.phase() + " " + to.message();

        long trueOnes = after.getConditions().stream().filter(Condition::isTrue).count();
        assertThat(trueOnes).as(name).isEqualTo(to.terminal() ? 1 : 0);
        assertThat(condition(after, ReplayStatus.COMPLETE).isTrue()).as(name)
            .isEqualTo(to.phase() == ReplayPhase.Succeeded || to.phase() == ReplayPhase.Previewed);
        for (Condition c : after.getConditions()) {
          Condition old = condition(before, c.getType());
          boolean moved = !old.getStatus().equals(c.getStatus()) || !old.getReason().equals(c.getReason());
          assertThat(c.getLastTransitionTime()).as(name + ": " + c.getType())
              .isEqualTo(moved ? "2026-11-27T10:41:30Z" : "2026-11-27T10:40:00Z");
          assertThat(c.getReason()).as(name).matches("[A-Z][A-Za-z]*");
        }
        // Computed again from the same view, nothing changes, so nothing is written.
        assertThat(ReplayStatuses.of(replay(after), to, later.plusSeconds(5))).as(name).isEqualTo(after);
      }
    }
  }

  @Test
  void aSelectionLargerThanMaxEventsFailsSayingHowManyMatched() {
    String refusal = "25000 events matched, more than maxEvents 10000; raise maxEvents to replay them"
        + " (or narrow the selection)";
    ReplayStatus status = ReplayStatuses.of(replay(null), view(ReplayPhase.Failed, 25000, 0, 0, refusal), NOW);

    assertThat(status.getPhase()).isEqualTo(ReplayPhase.Failed);
    assertThat(status.getMatched()).isEqualTo(25000);
    assertThat(status.getMessage()).isEqualTo(refusal);
    assertThat(condition(status, ReplayStatus.FAILED)).extracting(Condition::getStatus, Condition::getReason,
        Condition::getMessage).containsExactly("True", "TooManyEvents", refusal);
  }

  @Test
  void aDryRunIsPreviewedWithItsCountAndSample() {
    ReplayRecord previewed = new ReplayRecord(ID, "shop", "preview", ReplayPhase.Previewed, 3, 0, 0,
        List.of("a", "b", "c"), null, CREATED, STARTED, ENDED, null);
    ReplayStatus status = ReplayStatuses.of(replay(null), ReplayStatusView.of(previewed), NOW);

    assertThat(status.getPhase()).isEqualTo(ReplayPhase.Previewed);
    assertThat(status.getSample()).containsExactly("a", "b", "c");
    assertThat(status.getMessage()).isEqualTo("dry run: 3 events match; nothing was delivered");
    assertThat(condition(status, ReplayStatus.COMPLETE)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "Previewed");
  }

  @Test
  void theSameRecordGivesAnEqualStatusAlsoAfterAJsonRoundTripSoNothingIsWritten() {
    ReplayStatusView view = view(ReplayPhase.Running, 100, 10, 1, null);
    ReplayStatus written = ReplayStatuses.of(replay(null), view, NOW);
    // What the next pass finds on the object: the status as the API server returned it.
    ReplayStatus stored = Serialization.unmarshal(Serialization.asJson(written), ReplayStatus.class);

    assertThat(Objects.equals(stored, ReplayStatuses.of(replay(stored), view, NOW))).isTrue();
    assertThat(Objects.equals(stored, ReplayStatuses.of(replay(stored), view(ReplayPhase.Running, 100, 11, 1,
        null), NOW))).isFalse();
  }

  @Test
  void aNewReplayIsPendingWhileItsMatchedSetIsFixedAndThatStatusIsStable() {
    ReplayStatus pending = ReplayStatuses.starting(replay(null), NOW);

    assertThat(pending.getPhase()).isEqualTo(ReplayPhase.Pending);
    assertThat(pending.getMessage()).isEqualTo("waiting for its matched set to be fixed");
    assertThat(pending.getMatched()).isNull();
    assertThat(pending.getObservedGeneration()).isEqualTo(1L);
    assertThat(pending.getConditions()).extracting(Condition::getType, Condition::getStatus, Condition::getReason,
        Condition::getLastTransitionTime).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ReplayStatus.COMPLETE, "False", "Pending", "2026-11-27T10:40:00Z"),
        org.assertj.core.groups.Tuple.tuple(ReplayStatus.FAILED, "False", "Pending", "2026-11-27T10:40:00Z"));
    // The next pass, later, while the set is still being fixed: the same status, so no write.
    assertThat(ReplayStatuses.starting(replay(pending), NOW.plusSeconds(2))).isEqualTo(pending);
  }

  @Test
  void whileANewLeaderResumesARunningReplayItKeepsTheStatusItHas() {
    ReplayStatus running = ReplayStatuses.of(replay(null), view(ReplayPhase.Running, 100, 40, 0, null), NOW);

    assertThat(ReplayStatuses.starting(replay(running), NOW)).isSameAs(running);
  }

  @Test
  void aFailedPassKeepsPhaseCountsAndConditionsAndSaysWhatFailed() {
    ReplayStatus running = ReplayStatuses.of(replay(null), view(ReplayPhase.Running, 100, 40, 0, null), NOW);
    ReplayStatus retrying = ReplayStatuses.retrying(replay(running),
        "journal store: cannot read the status of replay " + ID + ": Connection refused", NOW);

    assertThat(retrying.getMessage()).isEqualTo(
        "journal store: cannot read the status of replay " + ID + ": Connection refused; retrying");
    assertThat(retrying.getPhase()).isEqualTo(ReplayPhase.Running);
    assertThat(retrying.getDelivered()).isEqualTo(40);
    assertThat(retrying.getConditions()).isEqualTo(running.getConditions());
    // The object's own status is left as it was.
    assertThat(running.getMessage()).isEqualTo("delivered 40 of 100 events; 0 given up on, 60 remaining");
  }

  @Test
  void whileBackingOffTheMessageSaysWhenItIsTriedAgain() {
    ReplayStatus retrying = ReplayStatuses.retrying(replay(null), "journal store: cannot start replay"
        + " shop/failed-orders: Connection refused", Duration.ofSeconds(8), NOW);

    assertThat(retrying.getPhase()).isEqualTo(ReplayPhase.Pending);
    assertThat(retrying.getMessage()).isEqualTo("journal store: cannot start replay shop/failed-orders: Connection"
        + " refused; retrying in 8s");
    assertThat(retrying.getConditions()).noneMatch(Condition::isTrue);
  }

  @Test
  void onlyEndedPhasesAreTerminal() {
    assertThat(ReplayStatuses.isTerminal(replay(null))).isFalse();
    assertThat(ReplayStatuses.isTerminal(replay(ReplayStatuses.starting(replay(null), NOW)))).isFalse();
    for (ReplayPhase phase : List.of(ReplayPhase.Succeeded, ReplayPhase.PartiallyFailed, ReplayPhase.Failed,
        ReplayPhase.Cancelled, ReplayPhase.Previewed)) {
      assertThat(ReplayStatuses.isTerminal(replay(ReplayStatuses.of(replay(null), view(phase, 1, 1, 0, null), NOW))))
          .as(phase.name()).isTrue();
    }
  }

  private static ReplayStatusView view(ReplayPhase phase, long matched, long delivered, long failed, String message) {
    boolean ended = phase.isTerminal();
    return ReplayStatusView.of(new ReplayRecord(ID, "shop", "failed-orders", phase, matched, delivered, failed,
        List.of(), message, CREATED, phase == ReplayPhase.Failed && message != null ? null : STARTED,
        ended ? ENDED : null, null));
  }

  private static Replay replay(ReplayStatus status) {
    Replay replay = new Replay();
    replay.setMetadata(new ObjectMetaBuilder().withNamespace("shop").withName("failed-orders")
        .withUid(ID.toString()).withGeneration(1L).build());
    ReplaySpec spec = new ReplaySpec();
    spec.setRouteRef(new LocalObjectReference("orders"));
    replay.setSpec(spec);
    replay.setStatus(status);
    return replay;
  }

  private static Condition condition(ReplayStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }
}
