package dev.rewind.cli.kubectl;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import java.io.PrintWriter;

/**
 * A Replay's progress as one line, {@code [########............] 120/300 delivered, 2 failed}, and how it is shown:
 * redrawn in place with a carriage return on a terminal, one line per change otherwise (a log, a pipe, CI).
 */
final class ReplayProgress {

  static final int WIDTH = 20;

  private final PrintWriter out;
  private final boolean terminal;
  private String last;
  private int drawn;

  ReplayProgress(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** The line for a status: the bar once the matched set is fixed, else what the Replay waits for. */
  static String line(ReplayStatus status) {
    ReplayPhase phase = status == null ? null : status.getPhase();
    if (phase == null || phase == ReplayPhase.Pending) {
      return "Pending: waiting for the operator to fix the matched set";
    }
    long matched = value(status.getMatched());
    long delivered = value(status.getDelivered());
    long failed = value(status.getFailed());
    if (phase == ReplayPhase.Previewed) {
      return "Previewed: " + matched + " events match (dry run, nothing delivered)";
    }
    return bar(delivered + failed, matched) + " " + delivered + "/" + matched + " delivered, " + failed + " failed"
        + (phase == ReplayPhase.Running ? "" : " (" + phase + ")");
  }

  /** {@code [#####.....]}: the share of the matched set done (delivered or given up), rounded down. */
  static String bar(long done, long total) {
    int full = total <= 0 ? (done > 0 ? WIDTH : 0) : (int) Math.min(WIDTH, done * WIDTH / total);
    return "[" + "#".repeat(full) + ".".repeat(WIDTH - full) + "]";
  }

  /** Shows the status if its line changed. */
  void show(ReplayStatus status) {
    String line = line(status);
    if (line.equals(last)) {
      return;
    }
    last = line;
    if (terminal) {
      // Back to the line's start, and blank out what a longer previous line left.
      out.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
      drawn = line.length();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends the redrawn line, so what follows starts on its own. */
  void finish() {
    if (terminal && drawn > 0) {
      out.println();
      out.flush();
      drawn = 0;
    }
  }

  private static long value(Long n) {
    return n == null ? 0 : n;
  }
}
