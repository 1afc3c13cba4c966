package dev.rewind.operator.health;

import dev.rewind.journal.health.RouteHealth;
import dev.rewind.operator.model.RouteHealthReading;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Route health as Prometheus gauges on the leader, for alerting (the chart's PrometheusRule): labels
 * {@code namespace} and {@code route} only, so their number follows the number of Routes, never of events.
 *
 * <ul>
 *   <li>{@code rewind_route_events{state="pending|delivering|failed|dead"}}
 *   <li>{@code rewind_route_oldest_undelivered_age_seconds} (0 without a backlog)
 *   <li>{@code rewind_route_destination_failing} and {@code rewind_route_healthy} (1 or 0)
 *   <li>{@code rewind_route_circuit_open}: 1 while the route's events are held by its destination's circuit (the
 *       breaker open or being probed, or the destination held by the operator: no ready endpoints), else 0
 *   <li>{@code rewind_route_health_refreshed_timestamp_seconds}: the last refresh that succeeded, so an alert can
 *       tell stale figures from good news
 *   <li>{@code rewind_route_health_refresh_seconds}: how long the grouped query took
 * </ul>
 *
 * A replica that stops leading removes its route gauges (the new leader's are the truth) and keeps only the refresh
 * timestamp.
 */
public final class RouteHealthMetrics {

  private final MultiGauge events;
  private final MultiGauge oldest;
  private final MultiGauge failing;
  private final MultiGauge healthy;
  private final MultiGauge circuitOpen;
  private final Timer refreshes;
  private final AtomicLong refreshedAt = new AtomicLong();

  public RouteHealthMetrics(MeterRegistry registry) {
    events = MultiGauge.builder("rewind.route.events")
        .description("Journaled events of a route by state, as the leader last read them").register(registry);
    oldest = MultiGauge.builder("rewind.route.oldest.undelivered.age").baseUnit("seconds")
        .description("How long the oldest event still being tried has waited").register(registry);
    failing = MultiGauge.builder("rewind.route.destination.failing")
        .description("1 when the latest attempt to the route's destination failed with nothing delivered since")
        .register(registry);
    healthy = MultiGauge.builder("rewind.route.healthy")
        .description("1 when the route's Healthy condition is True").register(registry);
    circuitOpen = MultiGauge.builder("rewind.route.circuit.open")
        .description("1 while the route's events are held by its destination's circuit: breaker open or probed,"
            + " or the destination held (no ready endpoints)").register(registry);
    refreshes = Timer.builder("rewind.route.health.refresh")
        .description("Time of one route health refresh (one grouped query)").register(registry);
    Gauge.builder("rewind.route.health.refreshed.timestamp", refreshedAt, AtomicLong::doubleValue)
        .baseUnit("seconds").description("When route health was last refreshed (Unix time)").register(registry);
  }

  /** After a refresh: every route's gauges from its reading; routes gone since are removed. */
  public void update(Collection<RouteHealthReading> readings, Duration took, Instant at) {
    List<MultiGauge.Row<?>> eventRows = new ArrayList<>();
    List<MultiGauge.Row<?>> oldestRows = new ArrayList<>();
    List<MultiGauge.Row<?>> failingRows = new ArrayList<>();
    List<MultiGauge.Row<?>> healthyRows = new ArrayList<>();
    List<MultiGauge.Row<?>> circuitRows = new ArrayList<>();
    for (RouteHealthReading r : readings) {
      Tags route = Tags.of("namespace", r.health().namespace(), "route", r.health().route());
      eventRows.add(MultiGauge.Row.of(route.and("state", "pending"), r.health().pending()));
      eventRows.add(MultiGauge.Row.of(route.and("state", "delivering"), r.health().delivering()));
      eventRows.add(MultiGauge.Row.of(route.and("state", "failed"), r.health().failed()));
      eventRows.add(MultiGauge.Row.of(route.and("state", "dead"), r.health().dead()));
      oldestRows.add(MultiGauge.Row.of(route, r.health().oldestAge().toMillis() / 1000.0));
      failingRows.add(MultiGauge.Row.of(route, r.verdict().destinationFailing() ? 1 : 0));
      healthyRows.add(MultiGauge.Row.of(route, r.verdict().healthy() ? 1 : 0));
      RouteHealth.Circuit circuit = r.health().circuit();
      // A paused route holds its events on purpose: that is not a circuit to alert on.
      circuitRows.add(MultiGauge.Row.of(route, circuit != null && circuit.holding()
          && !circuit.state().equals(RouteHealth.Circuit.PAUSED) ? 1 : 0));
    }
    events.register(eventRows, true);
    oldest.register(oldestRows, true);
    failing.register(failingRows, true);
    healthy.register(healthyRows, true);
    circuitOpen.register(circuitRows, true);
    refreshes.record(took);
    refreshedAt.set(at.getEpochSecond());
  }

  /** This replica stopped leading: its figures are no longer kept up to date. */
  public void clear() {
    events.register(List.of(), true);
    oldest.register(List.of(), true);
    failing.register(List.of(), true);
    healthy.register(List.of(), true);
    circuitOpen.register(List.of(), true);
  }
}
