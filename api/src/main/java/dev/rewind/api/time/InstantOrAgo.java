package dev.rewind.api.time;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A point in time written either as an RFC 3339 timestamp or as a duration back from a reference instant
 * ({@code 2h} means two hours before it), as Replay's since and until are.
 */
public final class InstantOrAgo {

  private InstantOrAgo() {}

  /**
   * @param text RFC 3339 timestamp or duration; null yields null
   * @param reference the instant a duration counts back from (when the replay fixed its matched set)
   * @throws IllegalArgumentException naming the value when it is neither
   */
  public static Instant resolve(String text, Instant reference) {
    if (text == null) {
      return null;
    }
    if (text.contains("T")) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("\"" + text + "\" is not an RFC 3339 timestamp such as"
            + " 2026-11-27T10:00:00Z", e);
      }
    }
    return reference.minus(Durations.parse(text));
  }
}
