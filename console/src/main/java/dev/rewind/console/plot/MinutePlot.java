package dev.rewind.console.plot;

import dev.rewind.console.html.Html;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Draws a {@link MinuteSeries} as inline SVG: one polyline per series over a shared linear scale from 0 to the
 * largest count, minutes left to right. Server-side, so the page needs no script, no charting library from a CDN
 * and no font beyond the browser's own. Each polyline carries its counts in {@code data-values} so a reader (and a
 * test) gets the numbers behind the shape.
 */
public final class MinutePlot {

  public static final int WIDTH = 720;
  public static final int HEIGHT = 180;
  /** Room for the axis labels. */
  public static final int LEFT = 40;
  public static final int BOTTOM = 20;
  public static final int TOP = 10;
  public static final int RIGHT = 10;
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private MinutePlot() {}

  /** The x of minute {@code i} of {@code n}: the first at the left edge of the plot area, the last at its right. */
  public static double x(int i, int n) {
    double width = WIDTH - LEFT - RIGHT;
    return n <= 1 ? LEFT + width / 2 : LEFT + width * i / (n - 1);
  }

  /** The y of a count on a scale whose top is {@code max}: 0 on the baseline, {@code max} at the top. */
  public static double y(long value, long max) {
    double height = HEIGHT - TOP - BOTTOM;
    return HEIGHT - BOTTOM - (max <= 0 ? 0 : height * value / max);
  }

  /** The polyline's points, "x,y" separated by spaces, to one decimal. */
  public static String points(long[] values, long max) {
    StringJoiner points = new StringJoiner(" ");
    for (int i = 0; i < values.length; i++) {
      points.add(String.format(Locale.ROOT, "%.1f,%.1f", x(i, values.length), y(values[i], max)));
    }
    return points.toString();
  }

  public static String svg(MinuteSeries s) {
    long max = Math.max(1, s.max());
    Html h = new Html();
    h.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" id=\"minute-plot\" role=\"img\"")
        .attr("viewBox", "0 0 " + WIDTH + " " + HEIGHT).attr("width", String.valueOf(WIDTH))
        .attr("height", String.valueOf(HEIGHT)).attr("data-start", s.start().toString())
        .attr("data-minutes", String.valueOf(s.minutes())).raw(">");
    h.raw("<title>delivered, failed and dead per minute (UTC)</title>");
    h.raw("<line class=\"axis\" x1=\"" + LEFT + "\" y1=\"" + (HEIGHT - BOTTOM) + "\" x2=\"" + (WIDTH - RIGHT)
        + "\" y2=\"" + (HEIGHT - BOTTOM) + "\"/>");
    h.raw("<line class=\"axis\" x1=\"" + LEFT + "\" y1=\"" + TOP + "\" x2=\"" + LEFT + "\" y2=\"" + (HEIGHT - BOTTOM)
        + "\"/>");
    h.raw("<text class=\"label\" x=\"" + (LEFT - 4) + "\" y=\"" + (TOP + 8) + "\" text-anchor=\"end\">")
        .text(String.valueOf(max)).raw("</text>");
    h.raw("<text class=\"label\" x=\"" + (LEFT - 4) + "\" y=\"" + (HEIGHT - BOTTOM) + "\" text-anchor=\"end\">0</text>");
    h.raw("<text class=\"label\" x=\"" + LEFT + "\" y=\"" + (HEIGHT - 4) + "\">")
        .text(HH_MM.format(s.start())).raw("</text>");
    h.raw("<text class=\"label\" x=\"" + (WIDTH - RIGHT) + "\" y=\"" + (HEIGHT - 4) + "\" text-anchor=\"end\">")
        .text(HH_MM.format(s.start().plusSeconds(60L * (s.minutes() - 1)))).raw("</text>");
    series(h, "delivered", s.delivered(), max);
    series(h, "failed", s.failed(), max);
    series(h, "dead", s.dead(), max);
    return h.raw("</svg>").toString();
  }

  private static void series(Html h, String name, long[] values, long max) {
    StringJoiner csv = new StringJoiner(",");
    for (long v : values) {
      csv.add(Long.toString(v));
    }
    h.raw("<polyline").attr("class", "series " + name).attr("id", "series-" + name)
        .attr("data-values", csv.toString()).attr("points", points(values, max)).raw("/>");
  }
}
