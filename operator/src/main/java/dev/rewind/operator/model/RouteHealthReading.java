package dev.rewind.operator.model;

import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.route.RouteDelivery;
import dev.rewind.journal.health.HealthVerdict;
import dev.rewind.journal.health.RouteHealth;
import java.time.Duration;
import java.util.Objects;

/**
 * One route's health as one refresh of the leader read and judged it.
 *
 * @param refresh the number of the refresh that read it (1, 2, ... since this replica started leading): what happened
 *     "since the last refresh" is reported once per refresh, however often the Route is reconciled
 * @param newlyDead events that died since the previous refresh (the growth of the dead count; for a route's first
 *     reading, those that died in the window)
 */
public record RouteHealthReading(RouteHealth health, HealthVerdict verdict, long refresh, long newlyDead) {

  public RouteHealthReading {
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(verdict, "verdict");
  }

  /** @param previous the route's reading of the refresh before, or null */
  public static RouteHealthReading judge(RouteHealth health, Duration backlogAge, long refresh,
      RouteHealthReading previous) {
    long newlyDead = previous == null ? health.deadSince() : Math.max(0, health.dead() - previous.health().dead());
    return new RouteHealthReading(health, HealthVerdict.of(health, backlogAge), refresh, newlyDead);
  }

  /** What the Route's status shows of it: the same reading always gives an equal object. */
  public RouteDelivery delivery() {
    RouteDelivery d = new RouteDelivery();
    d.setBacklog(health.backlog());
    d.setPending(health.pending());
    d.setDelivering(health.delivering());
    d.setFailed(health.failed());
    d.setDead(health.dead());
    d.setOldestUndeliveredTime(health.oldestUndelivered() == null ? null
        : StatusConditions.timestamp(health.oldestUndelivered()));
    d.setDeliveredRecently(health.deliveredSince());
    d.setWindow(Durations.format(Duration.between(health.since(), health.measuredAt())));
    d.setDestinationFailing(verdict.destinationFailing());
    if (health.lastFailure() != null) {
      d.setLastFailure(new RouteDelivery.LastFailure(health.lastFailure().outcome(),
          health.lastFailure().statusCode(), StatusConditions.timestamp(health.lastFailure().at())));
    }
    RouteHealth.Circuit c = health.circuit();
    if (c != null) {
      d.setCircuit(new RouteDelivery.Circuit(c.state(), c.since() == null ? null : StatusConditions.timestamp(c.since()),
          c.holdReason()));
      d.setHeld(c.holding() ? health.held() : null);
    }
    return d;
  }
}
