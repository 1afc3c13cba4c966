package dev.rewind.console.plot;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;

/**
 * Delivered, failed and dead counts per minute over a window: minute {@code i} starts at {@code start + i min}.
 * Minutes without a row count 0, so the plot has a point for each.
 */
public record MinuteSeries(Instant start, long[] delivered, long[] failed, long[] dead) {

  public MinuteSeries {
    if (delivered.length != failed.length || failed.length != dead.length || delivered.length == 0) {
      throw new IllegalArgumentException("the three series must have the same, non-zero length");
    }
  }

  /** The minutes of {@code [end - span, end)} truncated to whole minutes, from per-minute counts (keyed by minute). */
  public static MinuteSeries of(Instant end, Duration span, Map<Instant, Long> delivered, Map<Instant, Long> failed,
      Map<Instant, Long> dead) {
    Instant last = end.truncatedTo(ChronoUnit.MINUTES);
    int minutes = (int) Math.max(1, span.toMinutes());
    Instant start = last.minus(Duration.ofMinutes(minutes - 1L));
    return new MinuteSeries(start, fill(start, minutes, delivered), fill(start, minutes, failed),
        fill(start, minutes, dead));
  }

  private static long[] fill(Instant start, int minutes, Map<Instant, Long> counts) {
    long[] values = new long[minutes];
    counts.forEach((minute, n) -> {
      long i = Duration.between(start, minute.truncatedTo(ChronoUnit.MINUTES)).toMinutes();
      if (i >= 0 && i < minutes) {
        values[(int) i] += n;
      }
    });
    return values;
  }

  public int minutes() {
    return delivered.length;
  }

  public long max() {
    return Math.max(Arrays.stream(delivered).max().orElse(0),
        Math.max(Arrays.stream(failed).max().orElse(0), Arrays.stream(dead).max().orElse(0)));
  }

  public long total(long[] series) {
    return Arrays.stream(series).sum();
  }
}
