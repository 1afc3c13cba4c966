package dev.rewind.api.time;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generated duration, timestamp and URL strings, valid, on the boundaries, overflowing and malformed, each with
 * the verdict an independent model of the grammar expects. Shared with the operator's API-server tests, which
 * compare the server's verdict with the Java checkers' on the same kind of strings.
 */
public final class GrammarSamples {

  /** A generated string and whether the grammar, modelled independently of its regular expression, accepts it. */
  public record Sample<T>(String text, boolean valid, T value) {}

  private static final List<String> UNITS = List.of("h", "m", "s", "ms");
  private static final long[] UNIT_NANOS = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};

  private GrammarSamples() {}

  // ---- durations

  /** One number and unit: digits 1-8 long, no fraction or 0-11 decimals, a unit Go knows or one it does not. */
  private record Part(String digits, String fraction, String unit) {

    String text() {
      return digits + (fraction == null ? "" : "." + fraction) + unit;
    }

    boolean valid() {
      return digits.length() <= 6 && (fraction == null || (!fraction.isEmpty() && fraction.length() <= 9))
          && UNITS.contains(unit);
    }
  }

  private static Arbitrary<Part> parts() {
    Arbitrary<String> digits = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(6)),
        Tuple.of(1, Arbitraries.strings().withCharRange('0', '9').ofMinLength(7).ofMaxLength(12)),
        Tuple.of(1, Arbitraries.of("999999", "1000000", "99999999999", "0", "000000")));
    Arbitrary<String> fraction = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(null)),
        Tuple.of(4, Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(9)),
        Tuple.of(1, Arbitraries.strings().withCharRange('0', '9').ofMinLength(10).ofMaxLength(11)),
        Tuple.of(1, Arbitraries.of("", "999999999", "0000000001")));
    Arbitrary<String> unit = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.of(UNITS)),
        Tuple.of(1, Arbitraries.of("us", "ns", "d", "H", "M", "µs")));
    return Combinators.combine(digits, fraction, unit).as(Part::new);
  }

  /** Durations built from 1-5 parts; valid when the parts are valid and their units strictly in order. */
  public static Arbitrary<Sample<java.time.Duration>> durations() {
    return parts().list().ofMinSize(1).ofMaxSize(5).map(list -> {
      StringBuilder text = new StringBuilder();
      boolean valid = true;
      int lastUnit = -1;
      BigDecimal nanos = BigDecimal.ZERO;
      for (Part p : list) {
        text.append(p.text());
        int unit = UNITS.indexOf(p.unit());
        valid &= p.valid() && unit > lastUnit;
        lastUnit = Math.max(lastUnit, unit);
        if (p.valid()) {
          nanos = nanos.add(new BigDecimal(p.digits() + (p.fraction() == null ? "" : "." + p.fraction()))
              .multiply(BigDecimal.valueOf(UNIT_NANOS[unit])));
        }
      }
      return new Sample<>(text.toString(), valid,
          valid ? java.time.Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact()) : null);
    });
  }

  // ---- timestamps

  private record Clock(int hour, int minute, int second, String fraction, String separator) {}

  private record Offset(String text, int seconds, boolean valid) {}

  private static Arbitrary<Integer> around(int low, int high, int... edges) {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.integers().between(low, high)),
        Tuple.of(2, Arbitraries.of(java.util.Arrays.stream(edges).boxed().toList())));
  }

  private static Arbitrary<Offset> offsets() {
    // RFC 3339 allows up to 23:59; the grammar stops at 18:00, as Java's ZoneOffset (behind CEL-Java) does.
    Arbitrary<Offset> numeric = Combinators.combine(Arbitraries.of("+", "-"), around(0, 19, 0, 17, 18, 19, 23, 24),
        around(0, 59, 0, 1, 59, 60, 99)).as((sign, h, m) -> new Offset(
            String.format("%s%02d:%02d", sign, h, m), (h * 3600 + m * 60) * ("-".equals(sign) ? -1 : 1),
            (h <= 17 && m <= 59) || (h == 18 && m == 0)));
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(new Offset("Z", 0, true), new Offset("z", 0, true))),
        Tuple.of(6, numeric),
        Tuple.of(1, Arbitraries.of(new Offset("", 0, false), new Offset("+0200", 0, false),
            new Offset("UTC", 0, false))));
  }

  /** RFC 3339 date-times with every field drawn around and beyond its range. */
  public static Arbitrary<Sample<Instant>> timestamps() {
    Arbitrary<Integer> year = around(1960, 3010, 0, 1, 1969, 1970, 2000, 2024, 2100, 2400, 2999, 3000, 9999);
    Arbitrary<Integer> month = around(1, 12, 0, 1, 2, 12, 13);
    Arbitrary<Integer> day = around(1, 28, 0, 28, 29, 30, 31, 32);
    Arbitrary<String> fraction = Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.just(null)),
        Tuple.of(4, Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(9)),
        Tuple.of(1, Arbitraries.strings().withCharRange('0', '9').ofMinLength(0).ofMaxLength(11)));
    Arbitrary<Clock> clock = Combinators.combine(around(0, 23, 0, 23, 24), around(0, 59, 0, 59, 60),
        around(0, 59, 0, 59, 60), fraction,
        Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of("T", "t")),
            Tuple.of(1, Arbitraries.of(" ", "_", "")))).as(Clock::new);
    return Combinators.combine(year, month, day, clock, offsets()).as((y, mo, d, c, off) -> {
      String text = String.format("%04d-%02d-%02d%s%02d:%02d:%02d%s%s", y, mo, d, c.separator(), c.hour(),
          c.minute(), c.second(), c.fraction() == null ? "" : "." + c.fraction(), off.text());
      boolean valid = y >= 1970 && y <= 2999 && mo >= 1 && mo <= 12 && d >= 1
          && d <= YearMonth.of(y, mo).lengthOfMonth() && c.hour() <= 23 && c.minute() <= 59
          && c.second() <= 59 && (c.fraction() == null || (!c.fraction().isEmpty() && c.fraction().length() <= 9))
          && (c.separator().equals("T") || c.separator().equals("t")) && off.valid();
      Instant value = null;
      if (valid) {
        int nanos = c.fraction() == null ? 0 : Integer.parseInt((c.fraction() + "000000000").substring(0, 9));
        value = LocalDateTime.of(y, mo, d, c.hour(), c.minute(), c.second(), nanos).toInstant(ZoneOffset.UTC)
            .minusSeconds(off.seconds());
      }
      return new Sample<>(text, valid, value);
    });
  }

  // ---- mutations, for strings no model describes

  /** The text with one character inserted, removed or replaced: mostly malformed, now and then valid again. */
  public static Arbitrary<String> mutated(Arbitrary<String> texts) {
    Arbitrary<Character> noise = Arbitraries.of('0', '9', '.', ':', '-', '+', 'T', 't', 'Z', 'h', 'm', 's', ' ',
        '\n', '_', 'x', '/', '[', ']', '%', '@', 'é');
    return Combinators.combine(texts, Arbitraries.integers().between(0, 1000), Arbitraries.of(0, 1, 2), noise)
        .as((text, at, edit, c) -> {
          int i = text.isEmpty() ? 0 : at % (text.length() + (edit == 0 ? 1 : 0));
          return switch (edit) {
            case 0 -> text.substring(0, i) + c + text.substring(i);
            case 1 -> text.isEmpty() ? text : text.substring(0, i) + text.substring(Math.min(i + 1, text.length()));
            default -> text.isEmpty() ? String.valueOf(c) : text.substring(0, i) + c
                + text.substring(Math.min(i + 1, text.length()));
          };
        });
  }

  // ---- URLs

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");
  private static final Pattern OCTET = Pattern.compile("25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]");
  private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

  /** Whether a host is a name or IPv4 address the grammar accepts, modelled label by label. */
  static boolean validHost(String host) {
    String[] labels = host.split("\\.", -1);
    if (labels.length == 4 && java.util.Arrays.stream(labels).allMatch(l -> OCTET.matcher(l).matches())) {
      return true;
    }
    return java.util.Arrays.stream(labels).allMatch(l -> LABEL.matcher(l).matches())
        && Character.isLetter(labels[labels.length - 1].charAt(0));
  }

  static boolean validPort(String port) {
    return PORT.matcher(port).matches() && Integer.parseInt(port) <= 65535;
  }

  /** http(s) URLs whose host and port are drawn around the rules; the path is always a plain one. */
  public static Arbitrary<Sample<Void>> urls() {
    Arbitrary<String> label = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().withChars("abcXYZ019-").ofMinLength(1).ofMaxLength(6)),
        Tuple.of(2, Arbitraries.integers().between(0, 300).map(String::valueOf)),
        Tuple.of(1, Arbitraries.of("a_b", "", "-a", "a-", "01", "svc")));
    Arbitrary<String> host = label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
    Arbitrary<String> port = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(null)),
        Tuple.of(5, Arbitraries.integers().between(0, 99999).map(String::valueOf)),
        Tuple.of(2, Arbitraries.of("0", "1", "65535", "65536", "99999", "080", "", "123456")));
    Arbitrary<String> path = Arbitraries.of("", "/", "/orders", "/a/b?x=1", "#f", "/%41%2f", "/a b", "/a|b");
    return Combinators.combine(Arbitraries.of("http", "https"), host, port, path).as((scheme, h, p, rest) -> {
      String url = scheme + "://" + h + (p == null ? "" : ":" + p) + rest;
      boolean valid = validHost(h) && (p == null || validPort(p)) && !rest.contains(" ") && !rest.contains("|");
      return new Sample<>(url, valid, null);
    });
  }
}
