package dev.rewind.journal.health;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What the journal holds for one route at one moment: its backlog (events still being tried), its dead events,
 * what it delivered lately and its latest failure. Read by {@link RouteHealthQuery}; judged by
 * {@link HealthVerdict}.
 *
 * @param pending journaled, not yet attempted (or given back for another attempt)
 * @param delivering an attempt under way
 * @param failed the last attempt failed and another one is scheduled
 * @param dead the retry policy gave up; they wait for a replay (or retention)
 * @param deadSince of {@code dead}, those that died since the window's start
 * @param deliveredSince events delivered since the window's start (live, retried or replayed)
 * @param lastDelivered the latest delivery in the window; null when nothing was delivered in it
 * @param oldestUndelivered when the oldest event of the backlog was received; null without a backlog
 * @param lastFailure the latest failed attempt among the backlog and the dead; null when there is none
 * @param measuredAt when this was read
 * @param since the start of the window {@code deadSince} and {@code deliveredSince} count from
 * @param circuit the destination's circuit while it is not closed or is held; null otherwise
 */
public record RouteHealth(String namespace, String route, long pending, long delivering, long failed, long dead,
    long deadSince, long deliveredSince, Instant lastDelivered, Instant oldestUndelivered, Failure lastFailure, Instant measuredAt,
    Instant since, Circuit circuit) {

  /** Without a circuit to show. */
  public RouteHealth(String namespace, String route, long pending, long delivering, long failed, long dead,
      long deadSince, long deliveredSince, Instant lastDelivered, Instant oldestUndelivered, Failure lastFailure,
      Instant measuredAt, Instant since) {
    this(namespace, route, pending, delivering, failed, dead, deadSince, deliveredSince, lastDelivered,
        oldestUndelivered, lastFailure, measuredAt, since, null);
  }

  /**
   * The circuit of a route's destination, as its breaker row says ({@code rewind.breakers}).
   *
   * @param state {@link #PAUSED} (the route's own {@code spec.paused}, whatever its destination's breaker),
   *     {@link #HELD} (a hold reason is set, whatever the breaker's state), {@code open}, {@code half_open} or
   *     {@code draining}
   * @param since when it was paused (the paused route's publication), held (the row's last change), or opened
   * @param holdReason why it is held; null when it is not
   */
  public record Circuit(String state, Instant since, String holdReason) {

    public static final String HELD = "held";
    public static final String PAUSED = "paused";

    public Circuit {
      Objects.requireNonNull(state, "state");
    }

    /** Whether the route's events wait, unattempted: held, open or being probed. */
    public boolean holding() {
      return !state.equals("draining");
    }
  }

  public RouteHealth withCircuit(Circuit c) {
    return new RouteHealth(namespace, route, pending, delivering, failed, dead, deadSince, deliveredSince,
        lastDelivered, oldestUndelivered, lastFailure, measuredAt, since, c);
  }

  /** Events waiting, unattempted, because the circuit holds them: the backlog while it does; else 0. */
  public long held() {
    return circuit != null && circuit.holding() ? backlog() : 0;
  }

  /**
   * A failed attempt as the journal remembers it on its event.
   *
   * @param outcome the event's last outcome: {@code timeout}, {@code connect-failure}, a status code, ...
   * @param statusCode the HTTP status of that attempt, when it got one
   */
  public record Failure(String outcome, Integer statusCode, Instant at) {

    public Failure {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(at, "at");
    }

    /** {@code 503 at 2026-12-06T10:00:00Z}: the outcome and its time, to the second. */
    public String describe() {
      return outcome + " at " + DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    }

    /** From an event's {@code last_outcome}, which holds the status code when the destination answered. */
    public static Failure of(String outcome, Instant at) {
      Integer status = outcome.matches("[1-5][0-9][0-9]") ? Integer.valueOf(outcome) : null;
      return new Failure(outcome, status, at);
    }
  }

  public RouteHealth {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(measuredAt, "measuredAt");
    Objects.requireNonNull(since, "since");
    if (pending < 0 || delivering < 0 || failed < 0 || dead < 0 || deadSince < 0 || deliveredSince < 0
        || deadSince > dead) {
      throw new IllegalArgumentException("impossible counts for route " + namespace + "/" + route);
    }
  }

  /** A route with nothing journaled (yet): published, never used, or everything in it retained away. */
  public static RouteHealth empty(String namespace, String route, Instant measuredAt, Instant since) {
    return new RouteHealth(namespace, route, 0, 0, 0, 0, 0, 0, null, null, null, measuredAt, since);
  }

  /** Events still being tried: pending, delivering and failed. */
  public long backlog() {
    return pending + delivering + failed;
  }

  /** How long the oldest event of the backlog has waited; zero without a backlog. */
  public Duration oldestAge() {
    if (oldestUndelivered == null || oldestUndelivered.isAfter(measuredAt)) {
      return Duration.ZERO;
    }
    return Duration.between(oldestUndelivered, measuredAt);
  }

  /** {@code namespace/route}. */
  public String key() {
    return namespace + "/" + route;
  }
}
