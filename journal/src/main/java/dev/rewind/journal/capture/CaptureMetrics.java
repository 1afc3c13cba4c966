package dev.rewind.journal.capture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Capture meters: what came in, what was acknowledged, and how long the durable journal write took. Meters are
 * looked up once per tag combination and kept, as on the delivery side.
 */
public final class CaptureMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer journalWrite;

  public CaptureMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.journalWrite = Timer.builder("rewind.journal.write")
        .description("Time from capture to durable commit of the journal row")
        .publishPercentileHistogram().register(registry);
  }

  public void captured(String route) {
    counter("rewind.events.captured", "Requests captured for a route", route, null).increment();
  }

  public void acknowledged(String route) {
    counter("rewind.events.acknowledged", "Captured events durably journaled and acknowledged", route, null)
        .increment();
  }

  public void duplicate(String route) {
    counter("rewind.events.duplicates", "Captures of an event id the route had already journaled", route, null)
        .increment();
  }

  public void uncaptured(String route) {
    counter("rewind.events.uncaptured", "Events forwarded without journaling because the store was unavailable",
        route, null).increment();
  }

  public void rejected(String route, String reason) {
    counter("rewind.events.rejected", "Requests refused at capture", route, reason).increment();
  }

  public void journalWrite(Duration duration) {
    journalWrite.record(duration);
  }

  private Counter counter(String name, String description, String route, String reason) {
    return counters.computeIfAbsent(name + '\u0000' + route + '\u0000' + reason, k -> {
      Counter.Builder builder = Counter.builder(name).description(description).tag("route", route);
      if (reason != null) {
        builder.tag("reason", reason);
      }
      return builder.register(registry);
    });
  }
}
