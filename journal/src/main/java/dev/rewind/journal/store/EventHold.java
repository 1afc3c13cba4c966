package dev.rewind.journal.store;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Why an event still to be delivered is not being attempted: its route is paused, its destination is held (no ready
 * endpoint), or its destination's circuit breaker is open or being probed. Read with the event's trace, so on-call
 * sees at the event itself that it waits on purpose rather than being stuck.
 *
 * @param kind {@link #PAUSED}, {@link #HELD}, {@code open} or {@code half_open}
 * @param destination the breaker's key ({@code scheme://host:port}); null when paused
 * @param since when it began: the paused route's publication, the hold, or the breaker's opening; may be null
 * @param reason the hold's reason, or the outcome that opened the breaker; may be null
 */
public record EventHold(String kind, String destination, Instant since, String reason) {

  public static final String PAUSED = "paused";
  public static final String HELD = "held";

  public EventHold {
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * What holds an event of a route, from the route's {@code paused} flag and its destination's breaker row (null
   * when it has none); null when nothing does (a draining or closed breaker lets events go).
   */
  public static EventHold of(boolean paused, Instant publishedAt, BreakerRow breaker) {
    if (paused) {
      return new EventHold(PAUSED, null, publishedAt, null);
    }
    if (breaker == null) {
      return null;
    }
    if (breaker.holdReason() != null) {
      return new EventHold(HELD, breaker.destination(), null, breaker.holdReason());
    }
    return switch (breaker.state()) {
      case "open", "half_open" -> new EventHold(breaker.state(), breaker.destination(), breaker.openedAt(),
          breaker.lastFailure());
      default -> null;
    };
  }

  /** One line for a trace: what holds the event, since when, and what lets it go. */
  public String describe() {
    String at = since == null ? "" : " since " + DateTimeFormatter.ISO_INSTANT.format(since.truncatedTo(
        ChronoUnit.SECONDS));
    return switch (kind) {
      case PAUSED -> "route paused" + at + "; goes out once the route is unpaused";
      case HELD -> "destination " + destination + " held" + at + ": " + reason + "; goes out once the hold is"
          + " lifted";
      default -> "circuit breaker of " + destination + " open" + at
          + (reason == null ? "" : " (opened on " + reason + ")")
          + (kind.equals("half_open") ? ", being probed" : "")
          + "; not attempted, no retry spent; goes out once a probe gets an answer";
    };
  }
}
