package dev.rewind.journal.testing;

import dev.rewind.journal.capture.CaptureMetrics;
import dev.rewind.journal.capture.CapturePipeline;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryEngine;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.DeliveryOptions;
import dev.rewind.journal.delivery.HttpDeliverer;
import dev.rewind.journal.delivery.KafkaDeliverer;
import dev.rewind.journal.delivery.SecretSource;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** One delivery worker wired as the sidecar wires it: pipeline, engine, deliverer, on a test store. */
public final class Worker implements AutoCloseable {

  public final RouteTable routes = new RouteTable();
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  public final HttpDeliverer deliverer;
  public final KafkaDeliverer kafka;
  public final DeliveryEngine engine;
  public final CapturePipeline pipeline;

  public Worker(TestStore store, String worker, AddressPolicy addresses, SecretSource secrets,
      ResolvedRoute... served) {
    this(store, worker, addresses, secrets, DEFAULT_BUDGET, served);
  }

  private static final long DEFAULT_BUDGET = DeliveryOptions.DEFAULT_MEMORY_BUDGET;

  public Worker(TestStore store, String worker, AddressPolicy addresses, SecretSource secrets, long memoryBudget,
      ResolvedRoute... served) {
    this(store, worker, addresses, secrets, memoryBudget, Duration.ZERO, served);
  }

  /** A worker that claims only events overdue by {@code overdueBy}, as the operator's takeover does. */
  public Worker(TestStore store, String worker, Duration overdueBy, ResolvedRoute... served) {
    this(store, worker, AddressPolicy.standalone(), SecretSource.NONE, DEFAULT_BUDGET, overdueBy, served);
  }

  public Worker(TestStore store, String worker, AddressPolicy addresses, SecretSource secrets, long memoryBudget,
      Duration overdueBy, ResolvedRoute... served) {
    this(store, worker, addresses, secrets, memoryBudget, overdueBy, Duration.ofMillis(100), served);
  }

  /** A worker that polls the store for due events every {@code pollInterval}, its memory budget as given. */
  public static Worker polling(TestStore store, String worker, Duration pollInterval, long memoryBudget,
      ResolvedRoute... served) {
    return new Worker(store, worker, AddressPolicy.standalone(), SecretSource.NONE, memoryBudget, Duration.ZERO,
        pollInterval, served);
  }

  private Worker(TestStore store, String worker, AddressPolicy addresses, SecretSource secrets, long memoryBudget,
      Duration overdueBy, Duration pollInterval, ResolvedRoute... served) {
    java.util.Map<String, ResolvedRoute> table = new java.util.HashMap<>();
    for (ResolvedRoute r : served) {
      table.put(r.name(), r);
    }
    routes.replace(table);
    deliverer = new HttpDeliverer(store.vertx.getDelegate(), addresses, 32);
    kafka = new KafkaDeliverer(store.vertx.getDelegate(), addresses, secrets);
    AttemptRunner runner = new AttemptRunner(deliverer, kafka, secrets, Clock.systemUTC(), 4096);
    engine = new DeliveryEngine(store.vertx.getDelegate(), "default", store.events, runner, routes,
        new DeliveryOptions(worker, 16, Duration.ofSeconds(10), pollInterval, 4096, memoryBudget,
            overdueBy),
        new DeliveryMetrics(meters), Clock.systemUTC());
    pipeline = new CapturePipeline(store.events, engine, new CaptureMetrics(meters), Duration.ofSeconds(2));
    engine.start().await().atMost(Duration.ofSeconds(10));
  }

  public Worker(TestStore store, String worker, ResolvedRoute... served) {
    this(store, worker, AddressPolicy.standalone(), SecretSource.NONE, served);
  }

  public void serve(ResolvedRoute route) {
    Map<String, ResolvedRoute> table = new java.util.HashMap<>(routes.all());
    table.put(route.name(), route);
    routes.replace(table);
  }

  @Override
  public void close() {
    engine.stop(Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(10));
    kafka.close();
    deliverer.close();
  }
}
