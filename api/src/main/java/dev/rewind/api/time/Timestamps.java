package dev.rewind.api.time;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one timestamp grammar of Rewind's API: RFC 3339 date-times ({@code 2026-11-27T10:00:00Z},
 * {@code 2026-11-27t12:00:00.5+02:00}), restricted to values every consumer reads the same way.
 *
 * <p>The schema pattern alone decides: a string it accepts is a real instant for this parser, for Go's
 * time.Parse behind CEL's timestamp() (given the value upper-cased, since Go refuses RFC 3339's lower-case t and
 * z) and within CEL's timestamp range, and for CEL-Java's timestamp() in standalone mode. That is why it spells
 * out the days of each month and the leap years, keeps years to 1970-2999 (an offset cannot push a value out of
 * CEL's years 1-9999), seconds to 00-59 (no leap second, which Go refuses) and offsets to -18:00..+18:00 (Java's
 * ZoneOffset range, behind CEL-Java; RFC 3339 would allow 23:59, no time zone uses more than 14 hours).
 */
public final class Timestamps {

  /** What the grammar allows, in words, for every message that refuses a value. */
  public static final String SYNTAX = "an RFC 3339 timestamp such as 2026-11-27T10:00:00Z or"
      + " 2026-11-27T12:00:00.5+02:00: a real date from year 1970 to 2999, hour 00-23, minute and second 00-59,"
      + " at most 9 decimals, and Z or an offset from -18:00 to +18:00";

  private static final String YEAR = "(19[7-9][0-9]|2[0-9]{3})";
  /** 1972-1996 by fours, then every multiple of 4 that is not a century, and the centuries 2000, 2400, 2800. */
  private static final String LEAP_YEAR = "(19(7[26]|8[048]|9[26])|2[0-9](0[48]|[2468][048]|[13579][26])|2[048]00)";
  private static final String MONTH_DAY = "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
      + "|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
      + "|02-(0[1-9]|1[0-9]|2[0-8]))";
  private static final String DATE = "(" + YEAR + "-" + MONTH_DAY + "|" + LEAP_YEAR + "-02-29)";
  private static final String TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?";
  private static final String OFFSET = "([Zz]|[+-]((0[0-9]|1[0-7]):[0-5][0-9]|18:00))";

  /** The grammar without anchors, to embed in other patterns. */
  public static final String GRAMMAR = "(" + DATE + "[Tt]" + TIME + OFFSET + ")";

  /** The schema pattern of a timestamp field. */
  public static final String PATTERN = "^" + GRAMMAR + "$";

  private static final Pattern WHOLE = Pattern.compile(PATTERN);
  private static final Pattern FIELDS = Pattern.compile(
      "([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{1,9}))?"
          + "(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))");

  private Timestamps() {}

  /** Whether {@code text} is in the grammar, the same answer the schema pattern gives. */
  public static boolean isTimestamp(String text) {
    return text != null && WHOLE.matcher(text).matches();
  }

  /**
   * Parses a timestamp in the grammar. Done field by field rather than with OffsetDateTime.parse, which refuses
   * the lower-case t and z that RFC 3339 allows.
   *
   * @throws IllegalArgumentException naming the value and saying what is allowed when it is not in the grammar
   */
  public static Instant parse(String text) {
    if (!isTimestamp(text)) {
      throw new IllegalArgumentException("\"" + text + "\" is not a timestamp: write " + SYNTAX);
    }
    Matcher f = FIELDS.matcher(text);
    if (!f.matches()) {
      throw new IllegalStateException("timestamp grammar and parser disagree on \"" + text + "\"");
    }
    String fraction = f.group(7) == null ? "" : f.group(7);
    int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
    // The grammar admits only real dates and times, so of() cannot refuse them.
    LocalDateTime local = LocalDateTime.of(number(f, 1), number(f, 2), number(f, 3), number(f, 4), number(f, 5),
        number(f, 6), nanos);
    int offsetSeconds = 0;
    if (f.group(8) != null) {
      offsetSeconds = (number(f, 9) * 3600 + number(f, 10) * 60) * ("-".equals(f.group(8)) ? -1 : 1);
    }
    return local.toInstant(ZoneOffset.UTC).minusSeconds(offsetSeconds);
  }

  private static int number(Matcher m, int group) {
    return Integer.parseInt(m.group(group));
  }
}
