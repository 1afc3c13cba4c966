package dev.rewind.api.time;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Rewind's API ({@code 500ms}, {@code 10s}, {@code 1m30s}, {@code 1.5h}): the CRD
 * schemas use {@link #PATTERN}, and {@link #parse} accepts exactly the strings it matches.
 *
 * <p>The grammar is a subset of Go's time.ParseDuration, which CEL's duration() uses on the API server: units in
 * the order h, m, s, ms, each at most once, each number at most {@value #MAX_INTEGER_DIGITS} digits with at most
 * {@value #MAX_FRACTION_DIGITS} decimals. The digit bound is what keeps every accepted string inside both Go's
 * int64 nanoseconds (about 292 years) and Java's Duration: the largest one is about 114 years, so neither the API
 * server's CEL rules nor this parser can overflow on a value the schema let through.
 */
public final class Durations {

  public static final int MAX_INTEGER_DIGITS = 6;
  public static final int MAX_FRACTION_DIGITS = 9;

  /** What the grammar allows, in words, for every message that refuses a value. */
  public static final String SYNTAX = "hours, minutes, seconds and milliseconds in that order, each at most once,"
      + " each a number of at most " + MAX_INTEGER_DIGITS + " digits with at most " + MAX_FRACTION_DIGITS
      + " decimals followed by h, m, s or ms (for example 500ms, 10s, 1m30s, 1.5h)";

  private static final String NUMBER =
      "[0-9]{1," + MAX_INTEGER_DIGITS + "}([.][0-9]{1," + MAX_FRACTION_DIGITS + "})?";
  private static final String H = NUMBER + "h";
  private static final String M = NUMBER + "m";
  private static final String S = NUMBER + "s";
  private static final String MS = NUMBER + "ms";

  /**
   * The grammar without anchors, to embed in other patterns. Written as alternatives by first unit rather than
   * with optional groups and a look-ahead, because Go's regular expressions (the API server's) have none, and the
   * empty string must not match.
   */
  public static final String GRAMMAR = "(" + H + "(" + M + ")?(" + S + ")?(" + MS + ")?"
      + "|" + M + "(" + S + ")?(" + MS + ")?"
      + "|" + S + "(" + MS + ")?"
      + "|" + MS + ")";

  /** The schema pattern of every duration field. No backslash in it, so it also reads as a CEL string literal. */
  public static final String PATTERN = "^" + GRAMMAR + "$";

  /**
   * CEL: {@code self} is a duration of this grammar. The API server evaluates a field's CEL rules even when the
   * field's pattern already failed; a rule that converts with duration() guards itself with this, so a malformed
   * value gets the pattern's message alone, not a second one about a failed type conversion.
   */
  public static final String SELF_MATCHES = "self.matches('" + PATTERN + "')";

  private static final String PART =
      "([0-9]{1," + MAX_INTEGER_DIGITS + "}(?:\\.[0-9]{1," + MAX_FRACTION_DIGITS + "})?)";
  private static final Pattern PARTS = Pattern.compile(
      "(?:" + PART + "h)?(?:" + PART + "m(?!s))?(?:" + PART + "s)?(?:" + PART + "ms)?");
  private static final Pattern WHOLE = Pattern.compile(PATTERN);
  private static final long[] UNIT_NANOS = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};

  private Durations() {}

  /** Whether {@code text} is in the grammar, the same answer the schema pattern gives. */
  public static boolean isDuration(String text) {
    // matches(), not find(): a trailing newline is not a duration, as it is not for Go's "$".
    return text != null && WHOLE.matcher(text).matches();
  }

  /**
   * Parses a duration. Fractions of a nanosecond are dropped, as Go does.
   *
   * @throws IllegalArgumentException naming the value and saying what is allowed when it is not in the grammar;
   *     never anything else
   */
  public static Duration parse(String text) {
    if (!isDuration(text)) {
      throw new IllegalArgumentException("\"" + text + "\" is not a duration: write " + SYNTAX);
    }
    Matcher parts = PARTS.matcher(text);
    if (!parts.matches()) {
      throw new IllegalStateException("duration grammar and parser disagree on \"" + text + "\"");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    for (int unit = 0; unit < UNIT_NANOS.length; unit++) {
      String amount = parts.group(unit + 1);
      if (amount != null) {
        nanos = nanos.add(new BigDecimal(amount).multiply(BigDecimal.valueOf(UNIT_NANOS[unit])));
      }
    }
    // At most 999999.999999999 of each unit, under 115 years in all: always a long of nanoseconds.
    return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
  }

  /** Formats a duration in the same syntax, for messages ({@code 1m30s}, {@code 250ms}). */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    StringBuilder out = new StringBuilder();
    long hours = duration.toHours();
    long minutes = duration.toMinutesPart();
    double seconds = duration.toSecondsPart() + duration.toMillisPart() / 1000.0;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (seconds > 0) {
      out.append(seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds))
          .append('s');
    }
    return out.toString();
  }
}
