package dev.rewind.console.page;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.console.plot.MinuteSeries;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.OrderStory;
import dev.rewind.journal.health.RouteHealth;
import dev.rewind.journal.replay.ReplayRecord;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventPage;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every page drawn from data a sender or a visitor chose: nothing of it becomes markup. The markers below appear
 * in the output only escaped; the pages themselves never write a script or an image.
 */
class PagesEscapeTest {

  private static final String HOSTILE = "<script>x()</script>\"><img src=x onerror=y()>'";
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final UUID ID = UUID.fromString("01a24c36-4baf-7596-a638-8864e6f4fcd4");

  private static StoredEvent event() {
    return new StoredEvent(ID, "shop", HOSTILE, 1, HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, "POST", HOSTILE,
        "", List.of(new Header(HOSTILE, HOSTILE)), HOSTILE.getBytes(StandardCharsets.UTF_8), NOW.minusSeconds(60),
        EventState.DEAD, 1, null, null, 0, HOSTILE, NOW.minusSeconds(30), NOW.minusSeconds(30));
  }

  private static AttemptRecord attempt() {
    return new AttemptRecord(ID, 1, AttemptRecord.REPLAY, UUID.randomUUID(), HOSTILE, HOSTILE, HOSTILE,
        NOW.minusSeconds(30), 12.5, null, "http", HOSTILE, HOSTILE, List.of(), new byte[0]);
  }

  private static void assertEscaped(String html) {
    assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("onerror=y()>")
        .contains("&lt;script&gt;x()&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=y()&gt;&#39;");
  }

  @Test
  void theTracePageEscapesEveryCapturedField() {
    assertEscaped(TracePage.render("shop", new EventTrace(event(), null, List.of(attempt()), null), true, NOW));
  }

  @Test
  void theEventsPageEscapesEventsAndTheFiltersAsTyped() {
    EventFilters filters = new EventFilters(HOSTILE, null, HOSTILE, HOSTILE, HOSTILE, HOSTILE, null, null, 50, null);
    assertEscaped(EventsPage.render("shop", filters, new EventPage(List.of(event()), ID), List.of(), NOW));
  }

  @Test
  void theRoutesFlowAndReplaysPagesEscapeNamesOutcomesAndMessages() {
    RouteHealth health = new RouteHealth("shop", HOSTILE, 1, 0, 0, 1, 1, 0, null, NOW.minusSeconds(60),
        RouteHealth.Failure.of(HOSTILE, NOW.minusSeconds(30)), NOW, NOW.minus(Duration.ofHours(3)));
    MinuteSeries minutes = MinuteSeries.of(NOW, Duration.ofMinutes(3), Map.of(), Map.of(), Map.of());
    assertEscaped(RoutesPage.render("shop", List.of(health), minutes, Duration.ofHours(3), Duration.ofMinutes(5),
        NOW));

    OrderStory story = OrderStory.of(HOSTILE, List.of("shop"), Optional.<FlowHops>empty(), List.of(event()),
        Map.of(ID, List.of(attempt())), List.of(), NOW);
    assertEscaped(FlowPage.render("shop", story, HOSTILE, NOW));

    ReplayRecord replay = new ReplayRecord(UUID.randomUUID(), "shop", HOSTILE, ReplayPhase.Failed, 0, 0, 0,
        List.of(), HOSTILE, NOW, null, NOW, null);
    assertEscaped(ReplaysPage.render("shop", List.of(replay), NOW));
  }
}
