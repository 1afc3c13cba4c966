package dev.rewind.api.time;

import java.time.Instant;

/**
 * A point in time written either as an RFC 3339 timestamp or as a duration back from a reference instant
 * ({@code 2h} means two hours before it), as Replay's since and until are. A timestamp always holds a t or T, a
 * duration never does, so the two grammars cannot both match.
 */
public final class InstantOrAgo {

  /** The schema pattern of since and until: {@link Timestamps#GRAMMAR} or {@link Durations#GRAMMAR}. */
  public static final String PATTERN = "^(" + Timestamps.GRAMMAR + "|" + Durations.GRAMMAR + ")$";

  private InstantOrAgo() {}

  /** Whether {@code text} is in either grammar, the same answer {@link #PATTERN} gives. */
  public static boolean isInstantOrAgo(String text) {
    return Timestamps.isTimestamp(text) || Durations.isDuration(text);
  }

  /**
   * @param text RFC 3339 timestamp or duration; null yields null
   * @param reference the instant a duration counts back from (when the replay fixed its matched set)
   * @throws IllegalArgumentException naming the value and saying what is allowed when it is neither
   */
  public static Instant resolve(String text, Instant reference) {
    if (text == null) {
      return null;
    }
    if (Timestamps.isTimestamp(text)) {
      return Timestamps.parse(text);
    }
    if (Durations.isDuration(text)) {
      return reference.minus(Durations.parse(text));
    }
    throw new IllegalArgumentException("\"" + text + "\" is neither " + Timestamps.SYNTAX
        + ", nor a duration back from now: " + Durations.SYNTAX);
  }
}
