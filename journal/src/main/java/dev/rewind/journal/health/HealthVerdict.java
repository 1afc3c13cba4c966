package dev.rewind.journal.health;

import dev.rewind.api.time.Durations;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What a route's {@link RouteHealth} means for the people on call: healthy or not, why (a CamelCase reason, the
 * {@code Healthy} condition's), and a sentence that says what to do. Pure, so the operator's status, its Events,
 * its metrics and {@code rewind status} all judge a route the same way.
 *
 * <p>In order of precedence, the first that holds decides:
 *
 * <ol>
 *   <li>{@code EventsDead}: dead events wait for a replay. Nothing else brings them back, so this stays until a
 *       Replay (or retention) clears them, however sparse the traffic.
 *   <li>{@code Paused}: the route is paused ({@code spec.paused}); its events wait, unattempted, until it is not.
 *   <li>{@code Held}: the destination is held ({@code hold_reason}: the operator saw its Service with no ready
 *       endpoint); {@code CircuitOpen}: its circuit breaker is open or being probed. Either way events wait,
 *       unattempted; the message says since when and how many.
 *   <li>{@code DestinationFailing}: the latest attempt failed and nothing was delivered after it, with that failure
 *       in the window or events still scheduled for a retry.
 *   <li>{@code Backlog}: the oldest event still being tried has waited longer than the threshold (a destination
 *       that is slow rather than failing, too few sidecars, the store behind).
 *   <li>healthy: {@code Delivering} when something was delivered in the window or waits, else {@code Idle}.
 * </ol>
 *
 * @param destinationFailing the second rule holds, whichever decided (a route can have dead events and a destination
 *     still failing)
 */
public record HealthVerdict(boolean healthy, String reason, String message, boolean destinationFailing) {

  public static final String EVENTS_DEAD = "EventsDead";
  public static final String DESTINATION_FAILING = "DestinationFailing";
  public static final String BACKLOG = "Backlog";
  public static final String PAUSED = "Paused";
  public static final String HELD = "Held";
  public static final String CIRCUIT_OPEN = "CircuitOpen";
  public static final String DELIVERING = "Delivering";
  public static final String IDLE = "Idle";

  public HealthVerdict {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  /**
   * @param backlogAge how long the oldest event may wait before the route is {@code Backlog}
   */
  public static HealthVerdict of(RouteHealth h, Duration backlogAge) {
    boolean failing = destinationFailing(h);
    String window = Durations.format(Duration.between(h.since(), h.measuredAt()).truncatedTo(ChronoUnit.SECONDS));
    if (h.dead() > 0) {
      String latest = h.lastFailure() == null ? "" : ", the latest with outcome " + h.lastFailure().describe();
      return new HealthVerdict(false, EVENTS_DEAD, h.dead() + " event" + plural(h.dead()) + " dead ("
          + h.deadSince() + " in the last " + window + ")" + latest + "."
          + (failing ? " The destination is still failing." : "") + " " + recovery(h.route()), failing);
    }
    RouteHealth.Circuit circuit = h.circuit();
    if (circuit != null && circuit.holding()) {
      String since = circuit.since() == null ? ""
          : " since " + DateTimeFormatter.ISO_INSTANT.format(circuit.since().truncatedTo(ChronoUnit.SECONDS));
      String held = h.held() + " event" + plural(h.held()) + " held, not attempted";
      if (circuit.state().equals(RouteHealth.Circuit.PAUSED)) {
        return new HealthVerdict(false, PAUSED, "Delivery is paused (spec.paused)" + since + "; " + held
            + ". They go out once the route is unpaused.", failing);
      }
      if (circuit.holdReason() != null) {
        return new HealthVerdict(false, HELD, "Deliveries to the destination are held" + since + ": "
            + circuit.holdReason() + "; " + held + ". They go out once the hold is lifted.", failing);
      }
      return new HealthVerdict(false, CIRCUIT_OPEN, "The destination's circuit breaker is open" + since
          + (circuit.state().equals("half_open") ? ", being probed" : "") + "; " + held
          + ". They go out, at the breaker's drainRate, once a probe gets an answer.", failing);
    }
    if (failing) {
      return new HealthVerdict(false, DESTINATION_FAILING, "The destination is failing: latest attempt "
          + h.lastFailure().describe() + ", nothing delivered since; " + waiting(h) + ".", true);
    }
    if (h.backlog() > 0 && h.oldestAge().compareTo(backlogAge) > 0) {
      return new HealthVerdict(false, BACKLOG, waiting(h) + ", more than " + Durations.format(backlogAge)
          + "; " + h.deliveredSince() + " delivered in the last " + window + ".", false);
    }
    if (h.deliveredSince() > 0 || h.backlog() > 0) {
      return new HealthVerdict(true, DELIVERING, h.deliveredSince() + " delivered in the last " + window
          + (h.backlog() > 0 ? "; " + waiting(h) : "") + ".", false);
    }
    return new HealthVerdict(true, IDLE, "Nothing to deliver: no event waiting, none dead, none delivered in the"
        + " last " + window + ".", false);
  }

  /**
   * The latest attempt failed, nothing was delivered after it, and the failure is recent (in the window) or events
   * still wait for their retry.
   */
  static boolean destinationFailing(RouteHealth h) {
    RouteHealth.Failure f = h.lastFailure();
    if (f == null) {
      return false;
    }
    boolean current = !f.at().isBefore(h.since()) || h.failed() > 0;
    boolean deliveredAfter = h.lastDelivered() != null && h.lastDelivered().isAfter(f.at());
    return current && !deliveredAfter;
  }

  private static String waiting(RouteHealth h) {
    return h.backlog() + " event" + plural(h.backlog()) + " waiting (" + h.failed() + " scheduled for a retry)"
        + (h.backlog() > 0 ? ", the oldest for " + Durations.format(h.oldestAge().truncatedTo(ChronoUnit.SECONDS))
            : "");
  }

  /** What brings a route's dead events back, as its messages say it. */
  public static String recovery(String route) {
    return "Once the destination is fixed, re-deliver them with a Replay of route " + route + " selecting state dead.";
  }

  private static String plural(long n) {
    return n == 1 ? "" : "s";
  }
}
