package dev.rewind.cli;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.journal.replay.ReplayStatusView;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** How the commands print: plain aligned text, meant for a terminal and for grep. */
final class Output {

  private Output() {}

  /**
   * The end of a replay command: one line with the phase and counts, then what the status message says, and for a
   * dry run the sample of matched ids.
   */
  static void summary(PrintWriter out, String namespace, String name, ReplayStatusView view) {
    String replay = replay(namespace, name);
    if (view.phase() == ReplayPhase.Previewed) {
      out.printf("Replay %s: Previewed (dry run, nothing delivered) — matched %d%n", replay, view.matched());
    } else {
      out.printf("Replay %s: %s — matched %d, delivered %d, failed %d%s%n", replay, view.phase(), view.matched(),
          view.delivered(), view.failed(), view.remaining() > 0 ? ", remaining " + view.remaining() : "");
    }
    out.printf("  %s%n", view.message());
    if (view.phase() == ReplayPhase.Previewed && !view.sample().isEmpty()) {
      out.println("  sample (oldest first):");
      view.sample().forEach(id -> out.println("    " + id));
    }
  }

  /** A replay as kubectl would show it: the name, with the namespace only when it is not the default one. */
  static String replay(String namespace, String name) {
    return "default".equals(namespace) ? name : namespace + "/" + name;
  }

  static String time(Instant instant) {
    return instant == null ? "-" : instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  static String text(Object value) {
    return value == null ? "-" : value.toString();
  }

  /** Columns padded to their widest cell; the last column is not padded. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      rows.add(header);
    }

    Table row(Object... cells) {
      String[] text = new String[cells.length];
      for (int i = 0; i < cells.length; i++) {
        text[i] = text(cells[i]);
      }
      rows.add(text);
      return this;
    }

    int size() {
      return rows.size() - 1;
    }

    void print(PrintWriter out, String indent) {
      int columns = rows.get(0).length;
      int[] widths = new int[columns];
      for (String[] row : rows) {
        for (int i = 0; i < columns; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder(indent);
        for (int i = 0; i < columns; i++) {
          line.append(row[i]);
          if (i < columns - 1) {
            line.append(" ".repeat(widths[i] - row[i].length() + 2));
          }
        }
        out.println(line);
      }
    }
  }
}
