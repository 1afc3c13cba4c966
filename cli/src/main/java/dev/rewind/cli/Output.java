package dev.rewind.cli;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.journal.replay.ReplayStatusView;
import dev.rewind.api.time.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the commands print: plain aligned text, meant for a terminal and for grep. Shared by {@code rewind} (reading
 * the store) and {@code kubectl rewind} (reading the cluster), so both print the same tables.
 */
public final class Output {

  private Output() {}

  /**
   * The end of a replay command: one line with the phase and counts, then what the status message says, and for a
   * dry run the sample of matched ids.
   */
  static void summary(PrintWriter out, String namespace, String name, ReplayStatusView view) {
    summary(out, namespace, name, view.phase(), view.matched(), view.delivered(), view.failed(), view.remaining(),
        view.message(), view.sample());
  }

  /** As {@link #summary(PrintWriter, String, String, ReplayStatusView)}, from a Replay's status figures. */
  public static void summary(PrintWriter out, String namespace, String name, ReplayPhase phase, long matched,
      long delivered, long failed, long remaining, String message, List<String> sample) {
    String replay = replay(namespace, name);
    if (phase == ReplayPhase.Previewed) {
      out.printf("Replay %s: Previewed (dry run, nothing delivered) — matched %d%n", replay, matched);
    } else {
      out.printf("Replay %s: %s — matched %d, delivered %d, failed %d%s%n", replay, phase, matched, delivered, failed,
          remaining > 0 ? ", remaining " + remaining : "");
    }
    if (message != null) {
      out.printf("  %s%n", message);
    }
    if (phase == ReplayPhase.Previewed && sample != null && !sample.isEmpty()) {
      out.println("  sample (oldest first):");
      sample.forEach(id -> out.println("    " + id));
    }
  }

  /** A replay as kubectl would show it: the name, with the namespace only when it is not the default one. */
  public static String replay(String namespace, String name) {
    return "default".equals(namespace) ? name : namespace + "/" + name;
  }

  public static String time(Instant instant) {
    return instant == null ? "-" : instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  public static String text(Object value) {
    return value == null ? "-" : value.toString();
  }

  /** One line of an events listing ({@code rewind events}, {@code kubectl rewind events}). */
  public record EventRow(Object id, String route, String state, int attempts, String lastOutcome, Instant received,
      String sourceId) {}

  /** The events listing: one row per event, oldest first as given. */
  public static void events(PrintWriter out, List<EventRow> rows) {
    Table table = new Table("ID", "ROUTE", "STATE", "ATTEMPTS", "LAST OUTCOME", "RECEIVED", "EVENT ID");
    for (EventRow e : rows) {
      // The source id only when it differs from the Rewind id (events captured without one get their id).
      table.row(e.id(), e.route(), e.state(), e.attempts(), e.lastOutcome(), time(e.received()),
          e.sourceId() == null || e.sourceId().equals(String.valueOf(e.id())) ? null : e.sourceId());
    }
    table.print(out, "");
  }

  /** One attempt of an event, as {@code trace} and {@code flow} list them. */
  public record AttemptRow(int number, String trigger, String replay, String outcome, Integer statusCode,
      double durationMs, Instant startedAt, String worker, String destination, String error) {}

  /** Every attempt of an event, with where it went and why it failed ({@code trace}). */
  public static void attempts(PrintWriter out, List<AttemptRow> rows, String indent) {
    Table table = new Table("#", "TRIGGER", "REPLAY", "OUTCOME", "STATUS", "DURATION", "STARTED", "WORKER",
        "DESTINATION", "ERROR");
    for (AttemptRow a : rows) {
      table.row(a.number(), a.trigger(), a.replay(), a.outcome(), a.statusCode(), duration(a.durationMs()),
          time(a.startedAt()), a.worker(), a.destination(), a.error());
    }
    table.print(out, indent);
  }

  /** The attempts of an event in a flow's story: the short form of {@link #attempts}. */
  public static void attemptsBrief(PrintWriter out, List<AttemptRow> rows, String indent) {
    Table table = new Table("#", "TRIGGER", "REPLAY", "OUTCOME", "STATUS", "DURATION", "STARTED");
    for (AttemptRow a : rows) {
      table.row(a.number(), a.trigger(), a.replay(), a.outcome(), a.statusCode(), duration(a.durationMs()),
          time(a.startedAt()));
    }
    table.print(out, indent);
  }

  private static String duration(double ms) {
    return String.format(Locale.ROOT, "%.1f ms", ms);
  }

  /**
   * One route's delivery health ({@code status}). {@code oldest} is the age of the oldest event still being tried,
   * null without a backlog; {@code problem} says why it is not healthy, null when it is.
   */
  public record RouteHealthRow(String namespace, String route, String healthy, String reason, Long backlog,
      Long dead, Duration oldest, Long deliveredRecently, String lastFailureOutcome, Instant lastFailureAt,
      String problem) {}

  /**
   * The routes' health table, then one line per route that is not healthy; {@code window} is what the delivered
   * column counts over. Returns whether any route is not healthy.
   */
  public static boolean status(PrintWriter out, List<RouteHealthRow> rows, boolean withNamespace, String window) {
    String delivered = "DELIVERED (" + window + ")";
    Table table = withNamespace
        ? new Table("NAMESPACE", "ROUTE", "HEALTHY", "REASON", "BACKLOG", "DEAD", "OLDEST", delivered, "LAST FAILURE")
        : new Table("ROUTE", "HEALTHY", "REASON", "BACKLOG", "DEAD", "OLDEST", delivered, "LAST FAILURE");
    List<String> problems = new ArrayList<>();
    for (RouteHealthRow h : rows) {
      List<Object> cells = new ArrayList<>();
      if (withNamespace) {
        cells.add(h.namespace());
      }
      cells.addAll(java.util.Arrays.asList(h.route(), h.healthy(), h.reason(), h.backlog(), h.dead(),
          h.oldest() == null ? "-" : Durations.format(h.oldest().truncatedTo(ChronoUnit.SECONDS)),
          h.deliveredRecently(), h.lastFailureOutcome() == null ? "-"
              : h.lastFailureOutcome() + " at " + time(h.lastFailureAt())));
      table.row(cells.toArray());
      if (h.problem() != null) {
        problems.add((withNamespace ? h.namespace() + "/" : "") + h.route() + ": " + h.problem());
      }
    }
    table.print(out, "");
    if (!problems.isEmpty()) {
      out.println();
      problems.forEach(out::println);
    }
    return !problems.isEmpty();
  }

  /** Columns padded to their widest cell; the last column is not padded. */
  public static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... header) {
      rows.add(header);
    }

    public Table row(Object... cells) {
      String[] text = new String[cells.length];
      for (int i = 0; i < cells.length; i++) {
        text[i] = text(cells[i]);
      }
      rows.add(text);
      return this;
    }

    public int size() {
      return rows.size() - 1;
    }

    public void print(PrintWriter out, String indent) {
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
