package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteDelivery;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import dev.rewind.journal.health.HealthVerdict;
import dev.rewind.journal.health.RouteHealth;
import dev.rewind.operator.events.EventRecorder;
import dev.rewind.operator.model.RouteHealthReading;
import dev.rewind.operator.model.StatusConditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes Events on a Route about its deliveries, so {@code kubectl describe route} and event-based alerting
 * see what the journal sees. Never one Event per journaled event: each kind below is one Event per Route whose
 * count grows ({@link EventRecorder#repeated}).
 *
 * <ul>
 *   <li>Warning {@code EventsDead} after each refresh that finds events died since the one before: "3 events died
 *       since the last health refresh, the latest with outcome timeout; 12 dead in all";
 *   <li>Warning {@code DestinationFailing} when the destination starts failing, Normal {@code DestinationRecovered}
 *       when something is delivered again;
 *   <li>Warning {@code Backlog} when the route becomes Healthy=False for its backlog, Normal {@code Healthy} when it
 *       returns to Healthy=True;
 *   <li>the circuit ({@code status.delivery.circuit}): Warning {@code CircuitOpen} when the destination's breaker
 *       opens (not again for each failed probe: open and half-open are one phase), Warning {@code Held} when the
 *       destination is held (no ready endpoint), Normal {@code Paused} when the route is paused, Normal
 *       {@code CircuitDraining} when held events start going out, Normal {@code CircuitClosed} when nothing holds
 *       the route any more.
 * </ul>
 *
 * Transitions are read from the status before and after the pass, so a resync that changes nothing records
 * nothing; deaths are reported by the refresh that saw them (the reading's number), however often the Route is
 * reconciled.
 */
final class RouteHealthEvents {

  static final String COMPONENT = "rewind-operator";
  static final String DESTINATION_RECOVERED = "DestinationRecovered";
  static final String CIRCUIT_DRAINING = "CircuitDraining";
  static final String CIRCUIT_CLOSED = "CircuitClosed";

  private final Clock clock;
  private final String instance;
  /** namespace/route → the refresh whose deaths were reported. */
  private final Map<String, Long> deathsReported = new ConcurrentHashMap<>();

  RouteHealthEvents(Clock clock, String instance) {
    this.clock = clock;
    this.instance = instance;
  }

  void record(KubernetesClient client, Route route, RouteStatus desired, RouteHealthReading reading) {
    if (reading == null) {
      return;
    }
    EventRecorder events = new EventRecorder(client, clock, COMPONENT, instance);
    RouteHealth h = reading.health();
    if (reading.newlyDead() > 0
        && !Objects.equals(deathsReported.put(h.key(), reading.refresh()), reading.refresh())) {
      events.repeated(route, EventRecorder.WARNING, HealthVerdict.EVENTS_DEAD, deaths(reading));
    }
    RouteStatus before = route.getStatus();
    boolean wasFailing = before != null && before.getDelivery() != null
        && Boolean.TRUE.equals(before.getDelivery().getDestinationFailing());
    boolean failing = reading.verdict().destinationFailing();
    if (failing && !wasFailing) {
      events.repeated(route, EventRecorder.WARNING, HealthVerdict.DESTINATION_FAILING,
          "The destination is failing: latest attempt "
              + (h.lastFailure() == null ? "unknown" : h.lastFailure().describe()) + ", nothing delivered since.");
    } else if (!failing && wasFailing) {
      events.repeated(route, EventRecorder.NORMAL, DESTINATION_RECOVERED,
          h.deliveredSince() + " delivered in the last " + desired.getDelivery().getWindow() + ".");
    }
    circuit(events, route, before, desired);
    Condition was = StatusConditions.find(before == null ? null : before.getConditions(), RouteStatus.HEALTHY)
        .orElse(null);
    Condition now = StatusConditions.find(desired.getConditions(), RouteStatus.HEALTHY).orElseThrow();
    if (was != null && StatusConditions.isTransition(before.getConditions(), now)) {
      if (HealthVerdict.BACKLOG.equals(now.getReason())) {
        events.repeated(route, EventRecorder.WARNING, HealthVerdict.BACKLOG, now.getMessage());
      } else if (Condition.TRUE.equals(now.getStatus()) && Condition.FALSE.equals(was.getStatus())) {
        events.repeated(route, EventRecorder.NORMAL, RouteStatus.HEALTHY, now.getMessage());
      }
    }
  }

  /** An Event when the route's circuit enters another phase. */
  private static void circuit(EventRecorder events, Route route, RouteStatus before, RouteStatus desired) {
    RouteDelivery.Circuit was = before == null || before.getDelivery() == null ? null
        : before.getDelivery().getCircuit();
    RouteDelivery.Circuit now = desired.getDelivery() == null ? null : desired.getDelivery().getCircuit();
    String from = phase(was);
    String to = phase(now);
    if (from.equals(to)) {
      return;
    }
    Condition healthy = StatusConditions.find(desired.getConditions(), RouteStatus.HEALTHY).orElse(null);
    String message = healthy == null ? "" : healthy.getMessage();
    switch (to) {
      case "open" -> events.repeated(route, EventRecorder.WARNING, HealthVerdict.CIRCUIT_OPEN, message);
      case "held" -> events.repeated(route, EventRecorder.WARNING, HealthVerdict.HELD, message);
      case "paused" -> events.repeated(route, EventRecorder.NORMAL, HealthVerdict.PAUSED, message);
      case "draining" -> events.repeated(route, EventRecorder.NORMAL, CIRCUIT_DRAINING,
          "The destination answers again: held events are going out, oldest first, at the breaker's drainRate.");
      default -> events.repeated(route, EventRecorder.NORMAL, CIRCUIT_CLOSED, from.equals("paused")
          ? "Delivery is no longer paused: held events are going out."
          : "Nothing holds the route's events any more: its destination's circuit is closed.");
    }
  }

  /** The circuit's phase for Events: closed, paused, held, open (open or being probed) or draining. */
  static String phase(RouteDelivery.Circuit c) {
    if (c == null || c.getState() == null) {
      return "closed";
    }
    return c.getState().equals("half_open") ? "open" : c.getState();
  }

  /** The Route is gone: nothing more to report about it. */
  void forget(String namespace, String route) {
    deathsReported.remove(namespace + "/" + route);
  }

  private static String deaths(RouteHealthReading reading) {
    RouteHealth h = reading.health();
    long n = reading.newlyDead();
    return n + " event" + (n == 1 ? "" : "s") + " died since the last health refresh"
        + (h.lastFailure() == null ? "" : ", the latest with outcome " + h.lastFailure().outcome()) + "; "
        + h.dead() + " dead in all. " + HealthVerdict.recovery(h.route());
  }
}
