package dev.rewind.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.health.RouteHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which Routes a refresh reconciles: only those whose shown health changed, or where events died. */
class RouteHealthBoardTest {

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  private static RouteHealth health(String route, long pending, long dead, long deadSince, Instant now) {
    return new RouteHealth("shop", route, pending, 0, 0, dead, deadSince, 0, null,
        pending > 0 ? now.minusSeconds(5) : null, null, now, now.minus(Duration.ofMinutes(1)));
  }

  @Test
  void theFirstReadingOfEveryRouteIsAChange() {
    RouteHealthBoard board = new RouteHealthBoard(Duration.ofMinutes(5));

    assertThat(board.replace(List.of(health("a", 0, 0, 0, T0), health("b", 1, 0, 0, T0))))
        .containsExactlyInAnyOrder("shop/a", "shop/b");
    assertThat(board.reading("shop", "a").refresh()).isEqualTo(1);
  }

  @Test
  void anUnchangedRouteIsLeftAloneAndAChangedOneIsNot() {
    RouteHealthBoard board = new RouteHealthBoard(Duration.ofMinutes(5));
    board.replace(List.of(health("a", 0, 0, 0, T0), health("b", 1, 0, 0, T0)));

    // Same figures a second later (the oldest event's age is not shown, its time is).
    assertThat(board.replace(List.of(health("a", 0, 0, 0, T0.plusSeconds(1)), health("b", 2, 0, 0, T0))))
        .containsExactly("shop/b");
    assertThat(board.reading("shop", "b").refresh()).isEqualTo(2);
  }

  @Test
  void deathsAreCountedOnceByTheRefreshThatSawThem() {
    RouteHealthBoard board = new RouteHealthBoard(Duration.ofMinutes(5));
    board.replace(List.of(health("a", 0, 3, 3, T0)));
    assertThat(board.reading("shop", "a").newlyDead()).isEqualTo(3);

    // Still 3 dead, still within the window: nothing died since, nothing to report.
    assertThat(board.replace(List.of(health("a", 0, 3, 3, T0)))).isEmpty();
    assertThat(board.reading("shop", "a").newlyDead()).isZero();

    // Two more died: reported once.
    assertThat(board.replace(List.of(health("a", 0, 5, 5, T0)))).containsExactly("shop/a");
    assertThat(board.reading("shop", "a").newlyDead()).isEqualTo(2);
    // A replay delivered four: the status changes, but nobody died.
    assertThat(board.replace(List.of(health("a", 0, 1, 1, T0)))).containsExactly("shop/a");
    assertThat(board.reading("shop", "a").newlyDead()).isZero();
  }

  @Test
  void aRouteThatDisappearsHasNoReadingAndClearForgetsEverything() {
    RouteHealthBoard board = new RouteHealthBoard(Duration.ofMinutes(5));
    board.replace(List.of(health("a", 0, 0, 0, T0), health("b", 0, 0, 0, T0)));

    board.replace(List.of(health("a", 0, 0, 0, T0)));
    assertThat(board.reading("shop", "b")).isNull();

    board.clear();
    assertThat(board.reading("shop", "a")).isNull();
    assertThat(board.readings()).isEmpty();
  }
}
