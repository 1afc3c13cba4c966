package dev.rewind.sidecar.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod's labels as the downward API writes them into a file: one {@code key="value"} per line, the value quoted
 * the way Go's {@code strconv.Quote} does. Label values are plain ({@code [A-Za-z0-9._-]}), so quoting rarely
 * shows, but the full escape set is read so that no label is misread. A line that cannot be read is reported and
 * skipped: labels describe the sender, and a sender with one label less still captures.
 */
public final class PodLabels {

  /** What a file held: the labels, and a message for each line that could not be read. */
  public record Parsed(Map<String, String> labels, List<String> problems) {}

  private PodLabels() {}

  public static Parsed parse(String text) {
    Map<String, String> labels = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        problems.add("line " + (i + 1) + ": expected key=\"value\"");
        continue;
      }
      try {
        labels.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
      } catch (IllegalArgumentException e) {
        problems.add("line " + (i + 1) + ": " + e.getMessage());
      }
    }
    return new Parsed(labels, problems);
  }

  /** A Go-quoted string back to its text. */
  static String unquote(String quoted) {
    if (quoted.length() < 2 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
      throw new IllegalArgumentException("value is not a quoted string");
    }
    StringBuilder out = new StringBuilder(quoted.length());
    int end = quoted.length() - 1;
    for (int i = 1; i < end; i++) {
      char c = quoted.charAt(i);
      if (c == '"') {
        throw new IllegalArgumentException("unescaped quote inside the value");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i >= end) {
        throw new IllegalArgumentException("value ends in the middle of an escape");
      }
      char e = quoted.charAt(i);
      switch (e) {
        case '"', '\\', '\'' -> out.append(e);
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'v' -> out.append('\u000b');
        case 'x' -> i = hex(quoted, i, 2, end, out);
        case 'u' -> i = hex(quoted, i, 4, end, out);
        case 'U' -> i = hex(quoted, i, 8, end, out);
        default -> throw new IllegalArgumentException("unknown escape \\" + e);
      }
    }
    return out.toString();
  }

  /** Reads {@code digits} hex digits after position {@code at}; returns the position of the last one. */
  private static int hex(String s, int at, int digits, int end, StringBuilder out) {
    if (at + digits >= end) {
      throw new IllegalArgumentException("value ends in the middle of an escape");
    }
    int codePoint;
    try {
      codePoint = Integer.parseInt(s.substring(at + 1, at + 1 + digits), 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad hex digits in escape \\" + s.charAt(at));
    }
    if (!Character.isValidCodePoint(codePoint)) {
      throw new IllegalArgumentException("escape \\" + s.charAt(at) + " names no character");
    }
    out.appendCodePoint(codePoint);
    return at + digits;
  }
}
