package dev.rewind.journal.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A list of outcome patterns, as retryOn and a replay's lastOutcome write them: a status code ({@code 503}), a
 * class ({@code 5xx}), an inclusive range ({@code 500-504}), or a failure kind ({@code timeout},
 * {@code connect-failure}, {@code tls-failure}).
 */
public final class OutcomeSelector {

  private static final Pattern CODE = Pattern.compile("^[1-5][0-9][0-9]$");
  private static final Pattern CLASS = Pattern.compile("^([1-5])xx$");
  private static final Pattern RANGE = Pattern.compile("^([1-5][0-9][0-9])-([1-5][0-9][0-9])$");
  private static final List<String> KINDS = List.of("timeout", "connect-failure", "tls-failure");

  /** What an absent retryOn means: server errors, throttling and transport failures, never other 4xx. */
  public static final List<String> DEFAULT_RETRY_ON = List.of("5xx", "408", "429", "connect-failure", "timeout");

  private record Range(int low, int high) {}

  private final List<String> patterns;
  private final List<Range> ranges = new ArrayList<>();
  private final List<String> kinds = new ArrayList<>();

  private OutcomeSelector(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    for (String p : patterns) {
      Matcher m;
      if (CODE.matcher(p).matches()) {
        int code = Integer.parseInt(p);
        ranges.add(new Range(code, code));
      } else if ((m = CLASS.matcher(p)).matches()) {
        int hundred = Integer.parseInt(m.group(1)) * 100;
        ranges.add(new Range(hundred, hundred + 99));
      } else if ((m = RANGE.matcher(p)).matches()) {
        int low = Integer.parseInt(m.group(1));
        int high = Integer.parseInt(m.group(2));
        if (low > high) {
          throw new IllegalArgumentException("outcome range \"" + p + "\" runs backwards");
        }
        ranges.add(new Range(low, high));
      } else if (KINDS.contains(p)) {
        kinds.add(p);
      } else {
        throw new IllegalArgumentException("\"" + p + "\" is not an outcome: use a status code (503), a class"
            + " (5xx), a range (500-504), timeout, connect-failure or tls-failure");
      }
    }
  }

  public static OutcomeSelector of(List<String> patterns) {
    return new OutcomeSelector(patterns == null ? DEFAULT_RETRY_ON : patterns);
  }

  public List<String> patterns() {
    return patterns;
  }

  /** Whether an outcome token (as {@link Outcome#token()} writes it) is selected. */
  public boolean matches(String token) {
    if (token == null) {
      return false;
    }
    if (CODE.matcher(token).matches()) {
      int code = Integer.parseInt(token);
      return ranges.stream().anyMatch(r -> code >= r.low() && code <= r.high());
    }
    return kinds.contains(token);
  }

  public boolean matches(Outcome outcome) {
    return matches(outcome.token());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutcomeSelector other && patterns.equals(other.patterns);
  }

  @Override
  public int hashCode() {
    return patterns.hashCode();
  }

  @Override
  public String toString() {
    return String.join(", ", patterns);
  }
}
