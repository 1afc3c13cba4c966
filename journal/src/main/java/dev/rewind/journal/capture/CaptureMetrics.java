package dev.rewind.journal.capture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Capture meters: what came in, what was acknowledged, and how long the durable journal write took. */
public final class CaptureMetrics {

  private final MeterRegistry registry;

  public CaptureMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void captured(String route) {
    counter("rewind.events.captured", "Requests captured for a route", route).increment();
  }

  public void acknowledged(String route) {
    counter("rewind.events.acknowledged", "Captured events durably journaled and acknowledged", route).increment();
  }

  public void duplicate(String route) {
    counter("rewind.events.duplicates", "Captures of an event id the route had already journaled", route)
        .increment();
  }

  public void uncaptured(String route) {
    counter("rewind.events.uncaptured", "Events forwarded without journaling because the store was unavailable",
        route).increment();
  }

  public void rejected(String route, String reason) {
    Counter.builder("rewind.events.rejected").description("Requests refused at capture")
        .tag("route", route).tag("reason", reason).register(registry).increment();
  }

  public void journalWrite(Duration duration) {
    Timer.builder("rewind.journal.write").description("Time from capture to durable commit of the journal row")
        .publishPercentileHistogram().register(registry).record(duration);
  }

  private Counter counter(String name, String description, String route) {
    return Counter.builder(name).description(description).tag("route", route).register(registry);
  }
}
