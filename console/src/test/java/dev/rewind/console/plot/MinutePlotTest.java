package dev.rewind.console.plot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MinutePlotTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:30Z");

  @Test
  void theScaleRunsFromTheBaselineToTheTopOfThePlotArea() {
    assertThat(MinutePlot.y(0, 10)).isEqualTo(MinutePlot.HEIGHT - MinutePlot.BOTTOM);
    assertThat(MinutePlot.y(10, 10)).isEqualTo(MinutePlot.TOP);
    assertThat(MinutePlot.y(5, 10)).isEqualTo((MinutePlot.TOP + MinutePlot.HEIGHT - MinutePlot.BOTTOM) / 2.0);
    // An all-zero plot stays on the baseline instead of dividing by zero.
    assertThat(MinutePlot.y(0, 0)).isEqualTo(MinutePlot.HEIGHT - MinutePlot.BOTTOM);
  }

  @Test
  void minutesAreSpreadEvenlyFromTheLeftToTheRightEdge() {
    assertThat(MinutePlot.x(0, 5)).isEqualTo(MinutePlot.LEFT);
    assertThat(MinutePlot.x(4, 5)).isEqualTo(MinutePlot.WIDTH - MinutePlot.RIGHT);
    assertThat(MinutePlot.x(2, 5)).isEqualTo((MinutePlot.LEFT + MinutePlot.WIDTH - MinutePlot.RIGHT) / 2.0);
    assertThat(MinutePlot.points(new long[] {0, 2}, 2)).isEqualTo("40.0,160.0 710.0,10.0");
  }

  @Test
  void countsLandInTheirMinuteAndMissingMinutesAreZero() {
    MinuteSeries s = MinuteSeries.of(NOW, Duration.ofMinutes(5),
        Map.of(Instant.parse("2026-12-06T11:58:00Z"), 3L),
        Map.of(Instant.parse("2026-12-06T11:59:00Z"), 7L, Instant.parse("2026-12-06T11:00:00Z"), 99L),
        Map.of(Instant.parse("2026-12-06T12:00:00Z"), 1L));
    assertThat(s.start()).isEqualTo(Instant.parse("2026-12-06T11:56:00Z"));
    assertThat(s.delivered()).containsExactly(0, 0, 3, 0, 0);
    assertThat(s.failed()).as("a minute outside the window is left out").containsExactly(0, 0, 0, 7, 0);
    assertThat(s.dead()).containsExactly(0, 0, 0, 0, 1);
    assertThat(s.max()).isEqualTo(7);
  }

  @Test
  void theSvgCarriesOnePolylinePerSeriesWithItsCounts() {
    MinuteSeries s = MinuteSeries.of(NOW, Duration.ofMinutes(3), Map.of(), Map.of(
        Instant.parse("2026-12-06T11:59:00Z"), 4L), Map.of());
    String svg = MinutePlot.svg(s);
    assertThat(svg).startsWith("<svg").endsWith("</svg>").doesNotContain("<script");
    assertThat(svg).contains("id=\"series-delivered\" data-values=\"0,0,0\"");
    assertThat(svg).contains("id=\"series-failed\" data-values=\"0,4,0\" points=\"40.0,160.0 375.0,10.0 710.0,160.0\"");
    assertThat(svg).contains("id=\"series-dead\" data-values=\"0,0,0\"");
    assertThat(svg).contains(">11:58<").contains(">12:00<");
  }
}
