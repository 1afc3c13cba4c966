package dev.rewind.journal.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivery meters, tagged by route so one bad hop stands out on a dashboard. Meters are looked up once per tag
 * combination and kept: registering on every attempt would cost more than the attempt's own bookkeeping.
 */
public final class DeliveryMetrics {

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void attempt(String route, String trigger, String outcome, double durationMs) {
    timers.computeIfAbsent(route + '\u0000' + trigger + '\u0000' + outcome, k -> Timer.builder("rewind.attempt.duration")
            .description("Duration of delivery attempts")
            .tag("route", route)
            .tag("trigger", trigger)
            .tag("outcome", outcome)
            .publishPercentileHistogram()
            .register(registry))
        .record(Duration.ofNanos((long) (durationMs * 1_000_000)));
  }

  public void delivered(String route) {
    counter("rewind.events.delivered", "Events delivered", route).increment();
  }

  public void failed(String route) {
    counter("rewind.events.failed", "Attempts that failed and were scheduled for a retry", route).increment();
  }

  public void dead(String route) {
    counter("rewind.events.dead", "Events the retry policy gave up on", route).increment();
  }

  /** An attempt that failed inside Rewind (a defect, or an attempt past its hard deadline). */
  public void internalError() {
    counters.computeIfAbsent("rewind.attempts.internal.errors", k -> Counter.builder(k)
        .description("Attempts that failed inside Rewind and were recorded as internal-error")
        .register(registry)).increment();
  }

  /**
   * How long delivery has had work without any attempt ending or outcome committing; readiness fails past a
   * bound. Registered once per engine, read when scraped.
   */
  public void stall(String worker, java.util.function.Supplier<Duration> stalledFor) {
    io.micrometer.core.instrument.Gauge.builder("rewind.delivery.stalled.seconds",
            () -> stalledFor.get().toMillis() / 1000.0)
        .description("Seconds delivery has had work without progress (0 when moving or idle)")
        .tag("worker", worker)
        .register(registry);
  }

  /** A claim query of the poller answered: a few per poll interval when live events are claimed at capture. */
  public void polled() {
    counters.computeIfAbsent("rewind.delivery.polls", k -> Counter.builder(k)
        .description("Queries for due events the delivery poller made to the store")
        .register(registry)).increment();
  }

  public void unrecorded() {
    counters.computeIfAbsent("rewind.outcomes.unrecorded", k -> Counter.builder(k)
        .description("Attempt outcomes dropped because the store stayed unreachable; the events are redelivered")
        .register(registry)).increment();
  }

  /** An event handed back unattempted: its route is paused or its destination's circuit breaker is not closed. */
  public void held(String route) {
    counter("rewind.events.held", "Events held back (route paused, or circuit breaker not closed)", route)
        .increment();
  }

  private final Map<String, java.util.concurrent.atomic.AtomicInteger> breakerStates = new ConcurrentHashMap<>();

  /** The state of a destination's circuit breaker: 0 closed, 1 open, 2 half-open, 3 draining, 4 held. */
  public void breakerState(String destination, String state) {
    int value = switch (state) {
      case "open" -> 1;
      case "half_open" -> 2;
      case "draining" -> 3;
      case "held" -> 4;
      default -> 0;
    };
    breakerStates.computeIfAbsent(destination, d -> registry.gauge("rewind.breaker.state",
        java.util.List.of(io.micrometer.core.instrument.Tag.of("destination", d)),
        new java.util.concurrent.atomic.AtomicInteger())).set(value);
  }

  /** A transition of a destination's circuit breaker made by this worker. */
  public void breakerTransition(String destination, String to) {
    counters.computeIfAbsent("rewind.breaker.transitions\u0000" + destination + '\u0000' + to,
        k -> Counter.builder("rewind.breaker.transitions")
            .description("Circuit breaker transitions made by this worker")
            .tag("destination", destination).tag("to", to).register(registry)).increment();
  }

  private Counter counter(String name, String description, String route) {
    return counters.computeIfAbsent(name + '\u0000' + route,
        k -> Counter.builder(name).description(description).tag("route", route).register(registry));
  }
}
