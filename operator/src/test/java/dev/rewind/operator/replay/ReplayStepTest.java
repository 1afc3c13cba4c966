package dev.rewind.operator.replay;

import static dev.rewind.operator.model.ReplayStep.Call.ANSWERED;
import static dev.rewind.operator.model.ReplayStep.Call.NONE;
import static dev.rewind.operator.model.ReplayStep.Call.UNDER_WAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.operator.model.ReplayDeletionStep;
import dev.rewind.operator.model.ReplayStep;
import java.util.EnumSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** What a reconciliation, and a cleanup, of a Replay does: one decision per situation. */
class ReplayStepTest {

  @ParameterizedTest(name = "{0} is never run again")
  @EnumSource(value = ReplayPhase.class, names = {"Succeeded", "PartiallyFailed", "Failed", "Cancelled", "Previewed"})
  void aTerminalReplayIsKeptWhateverThisProcessIsDoing(ReplayPhase phase) {
    for (ReplayStep.Call call : ReplayStep.Call.values()) {
      for (boolean backingOff : new boolean[] {false, true}) {
        assertThat(ReplayStep.next(phase, call, true, backingOff)).isEqualTo(ReplayStep.KEEP);
        assertThat(ReplayStep.next(phase, call, false, backingOff)).isEqualTo(ReplayStep.KEEP);
      }
    }
    assertThat(ReplayStep.refreshes(phase)).isFalse();
  }

  @ParameterizedTest(name = "phase {0}, start call {1}, delivered here {2}, backing off {3}: {4}")
  @CsvSource(nullValues = "none", value = {
      // A new Replay: started; its start is waited for, then reported.
      "none,    NONE,      false, false, START",
      "none,    UNDER_WAY, false, false, WAIT",
      "none,    ANSWERED,  true,  false, REPORT",
      // Its start failed: nothing is tried until the backoff ran out; then it is started again.
      "none,    NONE,      false, true,  BACK_OFF",
      "Pending, NONE,      false, true,  BACK_OFF",
      "Pending, NONE,      false, false, START",
      // Pending written while the matched set is fixed.
      "Pending, UNDER_WAY, false, false, WAIT",
      "Pending, ANSWERED,  false, false, REPORT",
      // An answer or a call under way is never left behind by a backoff.
      "Pending, ANSWERED,  false, true,  REPORT",
      "Pending, UNDER_WAY, false, true,  WAIT",
      // Running here: counts are read; an answer not reported yet goes first, so it is never overtaken.
      "Running, NONE,      true,  false, REFRESH",
      "Running, ANSWERED,  true,  false, REPORT",
      // A status read that failed backs off too.
      "Running, NONE,      true,  true,  BACK_OFF",
      // Running but not here: a restart or a new leader resumes it (the engine keeps the matched set).
      "Running, NONE,      false, false, START",
      "Running, UNDER_WAY, false, false, WAIT",
  })
  void aReplayThatHasNotEndedIsStartedWaitedForReportedOrRefreshed(ReplayPhase phase, ReplayStep.Call call,
      boolean runsHere, boolean backingOff, ReplayStep expected) {
    assertThat(ReplayStep.next(phase, call, runsHere, backingOff)).isEqualTo(expected);
    assertThat(ReplayStep.refreshes(phase)).isTrue();
  }

  @ParameterizedTest(name = "start {0}, delete {1}: {2}")
  @CsvSource({
      "UNDER_WAY, NONE,      WAIT_FOR_START",
      "NONE,      NONE,      DELETE",
      "ANSWERED,  NONE,      DELETE",
      "NONE,      UNDER_WAY, WAIT_FOR_DELETE",
      "NONE,      ANSWERED,  DONE",
  })
  void theFinalizerStaysUntilTheStoreNoLongerHoldsTheReplay(ReplayStep.Call start, ReplayStep.Call delete,
      ReplayDeletionStep expected) {
    assertThat(ReplayDeletionStep.next(start, delete)).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(ReplayStep.Call.class)
  void onlyAnAnsweredDeleteLetsTheFinalizerGo(ReplayStep.Call start) {
    for (ReplayStep.Call delete : EnumSet.of(NONE, UNDER_WAY, ANSWERED)) {
      boolean removed = ReplayDeletionStep.next(start, delete) == ReplayDeletionStep.DONE;
      assertThat(removed).as("start %s, delete %s", start, delete)
          .isEqualTo(start != UNDER_WAY && delete == ANSWERED);
    }
  }
}
