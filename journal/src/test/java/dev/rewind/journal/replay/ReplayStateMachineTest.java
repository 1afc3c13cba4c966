package dev.rewind.journal.replay;

import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Cancelled;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Failed;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.PartiallyFailed;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Pending;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Previewed;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Running;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ReplayStateMachineTest {

  /** The whole table, written out independently of the enum: every pair not listed here must be refused. */
  private static final Map<ReplayPhase, Set<ReplayPhase>> EXPECTED = Map.of(
      Pending, EnumSet.of(Running, Previewed, Failed, Cancelled),
      Running, EnumSet.of(Succeeded, PartiallyFailed, Failed, Cancelled),
      Succeeded, EnumSet.noneOf(ReplayPhase.class),
      PartiallyFailed, EnumSet.noneOf(ReplayPhase.class),
      Failed, EnumSet.noneOf(ReplayPhase.class),
      Cancelled, EnumSet.noneOf(ReplayPhase.class),
      Previewed, EnumSet.noneOf(ReplayPhase.class));

  @Test
  void everyPairOfPhasesIsAllowedExactlyWhenTheTableSaysSo() {
    int checked = 0;
    for (ReplayPhase from : ReplayPhase.values()) {
      for (ReplayPhase to : ReplayPhase.values()) {
        assertThat(ReplayStateMachine.allowed(from, to))
            .as("%s -> %s", from, to)
            .isEqualTo(EXPECTED.get(from).contains(to));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(ReplayPhase.values().length * ReplayPhase.values().length);
  }

  @Test
  void theTransitionsEnumIsExactlyTheTable() {
    long edges = EXPECTED.values().stream().mapToLong(Set::size).sum();
    assertThat(ReplayStateMachine.Transition.values()).hasSize((int) edges);
    for (ReplayStateMachine.Transition t : ReplayStateMachine.Transition.values()) {
      assertThat(EXPECTED.get(t.from())).as(t.name()).contains(t.to());
    }
  }

  @ParameterizedTest
  @EnumSource(value = ReplayPhase.class, names = {"Succeeded", "PartiallyFailed", "Failed", "Cancelled", "Previewed"})
  void terminalPhasesNeverRunAgain(ReplayPhase terminal) {
    assertThat(terminal.isTerminal()).isTrue();
    for (ReplayPhase to : ReplayPhase.values()) {
      assertThat(ReplayStateMachine.allowed(terminal, to)).as("%s -> %s", terminal, to).isFalse();
    }
    assertThatThrownBy(() -> ReplayStateMachine.check(terminal, Running))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a replay cannot go from " + terminal + " to Running: " + terminal + " is final");
  }

  @Test
  void noPhaseTransitionsToItselfAndNothingGoesBackToPending() {
    for (ReplayPhase phase : ReplayPhase.values()) {
      assertThat(ReplayStateMachine.allowed(phase, phase)).as(phase.name()).isFalse();
      assertThat(ReplayStateMachine.allowed(phase, Pending)).as(phase + " -> Pending").isFalse();
    }
  }

  @Test
  void aNewReplayIsPendingAndOnlyThePendingAndRunningPhasesAreNotTerminal() {
    assertThat(ReplayStateMachine.INITIAL).isEqualTo(Pending);
    assertThat(Arrays.stream(ReplayPhase.values()).filter(p -> !p.isTerminal())).containsExactly(Pending, Running);
  }

  @Test
  void checkNamesTheEdgeItFound() {
    assertThat(ReplayStateMachine.check(Pending, Running)).isEqualTo(ReplayStateMachine.Transition.START);
    assertThat(ReplayStateMachine.check(Running, Cancelled)).isEqualTo(ReplayStateMachine.Transition.CANCEL);
    assertThatThrownBy(() -> ReplayStateMachine.check(Pending, Succeeded))
        .hasMessage("a replay cannot go from Pending to Succeeded");
  }

  @ParameterizedTest(name = "matched {0}, delivered {1}, failed {2} -> {3}")
  @CsvSource({
      "0, 0, 0, Succeeded",
      "5, 5, 0, Succeeded",
      "5, 3, 2, PartiallyFailed",
      "5, 0, 5, Failed",
      // Items whose event was deleted meanwhile count as neither delivered nor failed.
      "5, 4, 0, PartiallyFailed",
      "5, 0, 0, Failed",
  })
  void aFinishedReplayEndsByItsCounts(long matched, long delivered, long failed, ReplayPhase expected) {
    ReplayPhase end = ReplayStateMachine.completion(matched, delivered, failed);
    assertThat(end).isEqualTo(expected);
    assertThat(ReplayStateMachine.allowed(Running, end)).isTrue();
  }
}
