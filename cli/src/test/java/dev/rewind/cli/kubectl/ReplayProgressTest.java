package dev.rewind.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress line and how it is drawn, on a terminal and off one. */
class ReplayProgressTest {

  static ReplayStatus status(ReplayPhase phase, Long matched, Long delivered, Long failed) {
    ReplayStatus status = new ReplayStatus();
    status.setPhase(phase);
    status.setMatched(matched);
    status.setDelivered(delivered);
    status.setFailed(failed);
    return status;
  }

  @Test
  void theBarShowsTheShareDoneDeliveredOrFailed() {
    assertThat(ReplayProgress.line(status(ReplayPhase.Running, 300L, 120L, 2L)))
        .isEqualTo("[########............] 120/300 delivered, 2 failed");
    assertThat(ReplayProgress.line(status(ReplayPhase.Running, 300L, 0L, 0L)))
        .isEqualTo("[....................] 0/300 delivered, 0 failed");
    assertThat(ReplayProgress.line(status(ReplayPhase.Succeeded, 300L, 300L, 0L)))
        .isEqualTo("[####################] 300/300 delivered, 0 failed (Succeeded)");
    assertThat(ReplayProgress.line(status(ReplayPhase.PartiallyFailed, 3L, 2L, 1L)))
        .isEqualTo("[####################] 2/3 delivered, 1 failed (PartiallyFailed)");
    assertThat(ReplayProgress.line(status(ReplayPhase.Succeeded, 0L, 0L, 0L)))
        .isEqualTo("[....................] 0/0 delivered, 0 failed (Succeeded)");
    assertThat(ReplayProgress.bar(1, 3)).isEqualTo("[######..............]");
  }

  @Test
  void beforeTheOperatorFixesTheSetItSaysWhatItWaitsFor() {
    assertThat(ReplayProgress.line(null)).isEqualTo("Pending: waiting for the operator to fix the matched set");
    assertThat(ReplayProgress.line(status(ReplayPhase.Pending, null, null, null)))
        .isEqualTo("Pending: waiting for the operator to fix the matched set");
    assertThat(ReplayProgress.line(status(ReplayPhase.Previewed, 42L, null, null)))
        .isEqualTo("Previewed: 42 events match (dry run, nothing delivered)");
  }

  @Test
  void offATerminalEachChangeIsOneLineAndRepeatsAreDropped() {
    StringWriter text = new StringWriter();
    ReplayProgress progress = new ReplayProgress(new PrintWriter(text, true), false);

    progress.show(null);
    progress.show(status(ReplayPhase.Running, 10L, 0L, 0L));
    progress.show(status(ReplayPhase.Running, 10L, 0L, 0L));
    progress.show(status(ReplayPhase.Running, 10L, 5L, 1L));
    progress.finish();

    assertThat(text.toString().lines()).containsExactly(
        "Pending: waiting for the operator to fix the matched set",
        "[....................] 0/10 delivered, 0 failed",
        "[############........] 5/10 delivered, 1 failed");
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlaceAndBlankedWhereItWasLonger() {
    StringWriter text = new StringWriter();
    ReplayProgress progress = new ReplayProgress(new PrintWriter(text, true), true);

    progress.show(null);
    progress.show(status(ReplayPhase.Running, 10L, 5L, 1L));
    progress.finish();

    String pending = "Pending: waiting for the operator to fix the matched set";
    String running = "[############........] 5/10 delivered, 1 failed";
    assertThat(text.toString()).isEqualTo("\r" + pending + "\r" + running
        + " ".repeat(pending.length() - running.length()) + System.lineSeparator());
  }
}
