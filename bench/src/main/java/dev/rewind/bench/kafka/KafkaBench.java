package dev.rewind.bench.kafka;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryEngine;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.DeliveryOptions;
import dev.rewind.journal.delivery.HttpDeliverer;
import dev.rewind.journal.delivery.KafkaClientConfig;
import dev.rewind.journal.delivery.KafkaDeliverer;
import dev.rewind.journal.delivery.SecretSource;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteTable;
import dev.rewind.journal.testing.KafkaBroker;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Events per second delivered to Kafka through Rewind, next to the broker's own producer figure, in one run, on one
 * in-JVM KRaft broker and one embedded PostgreSQL (fsync on).
 *
 * <ul>
 *   <li><b>Rewind</b>: N pending events of a Kafka route (seeded first), delivered by the sidecar's
 *       {@link DeliveryEngine}: claim, one record per event through the {@link KafkaDeliverer}, journal every
 *       attempt. Timed from start until all are delivered.
 *   <li><b>Producer alone</b> (the baseline): the same number of records of the same size and headers, sent by a
 *       plain producer loop with the configuration Rewind uses (acks=all, idempotence; {@link KafkaClientConfig}),
 *       at most {@code concurrency} records in flight (Rewind's own bound), and again with no bound, as Kafka's
 *       ProducerPerformance sends with its throughput unlimited.
 * </ul>
 *
 * Usage: {@code KafkaBench [events] [concurrency]} (defaults 50000 and 64). Run it with bench/kafka.sh.
 */
public final class KafkaBench {

  private static final Duration LONG = Duration.ofMinutes(30);
  /** The body the seeded events carry (JournalSeed), so both sides write records of the same size. */
  private static final String BODY = "{\"n\":%d}";

  private KafkaBench() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int warmup = Math.min(5_000, Math.max(500, events / 10));
    try (TestStore store = TestStore.create(); KafkaBroker kafka = KafkaBroker.launch()) {
      for (String topic : List.of("rewind-warmup", "rewind", "producer-warmup", "producer", "producer-unbounded")) {
        kafka.createTopic(topic, Map.of());
      }
      System.out.printf(Locale.ROOT, "Seeding %d pending events (+%d to warm up)...%n", events, warmup);
      seed(store, kafka, "rewind-warmup", warmup);
      seed(store, kafka, "rewind", events);
      store.column("ANALYZE rewind.events");

      producer(kafka, "producer-warmup", warmup, concurrency);
      rewind(store, kafka, "rewind-warmup", warmup, concurrency);
      double producer = producer(kafka, "producer", events, concurrency);
      double unbounded = producer(kafka, "producer-unbounded", events, Integer.MAX_VALUE);
      double rewind = rewind(store, kafka, "rewind", events, concurrency);

      System.out.println();
      System.out.printf(Locale.ROOT, "%d events of about %d bytes, concurrency %d, %d cores, one in-JVM KRaft broker,"
          + " embedded PostgreSQL (fsync on)%n", events, String.format(BODY, 0).length(), concurrency,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "  producer alone, %d in flight (acks=all, idempotent): %8.0f events/s%n",
          concurrency, producer);
      System.out.printf(Locale.ROOT, "  producer alone, unbounded (as ProducerPerformance): %8.0f events/s%n",
          unbounded);
      System.out.printf(Locale.ROOT, "  through Rewind (journaled, every attempt recorded): %8.0f events/s%n",
          rewind);
      System.out.printf(Locale.ROOT, "  Rewind / producer at the same concurrency: %.2f; Rewind / unbounded: %.2f%n",
          rewind / producer, rewind / unbounded);
    }
    System.exit(0);
  }

  private static String route(KafkaBroker kafka, String topic) {
    return "kafka://" + kafka.bootstrap() + "/" + topic;
  }

  private static void seed(TestStore store, KafkaBroker kafka, String topic, int n) {
    JournalSeed seed = JournalSeed.in(store).route(topic, route(kafka, topic)).state(EventState.PENDING, null, 0);
    for (int done = 0; done < n; done += 10_000) {
      seed.append(Math.min(10_000, n - done));
    }
  }

  /** The sidecar's delivery engine, wired as the sidecar wires it, delivering the backlog of a Kafka route. */
  private static double rewind(TestStore store, KafkaBroker kafka, String topic, int n, int concurrency) {
    ResolvedRoute route = Routes.one("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: %s}
        spec:
          destination:
            kafka: {bootstrapServers: ["%s"], topic: %s}
        """.formatted(topic, kafka.bootstrap(), topic));
    RouteTable routes = new RouteTable();
    routes.replace(Map.of(route.name(), route));
    HttpDeliverer http = new HttpDeliverer(store.vertx.getDelegate(), AddressPolicy.standalone(), concurrency);
    KafkaDeliverer deliverer = new KafkaDeliverer(store.vertx.getDelegate(), AddressPolicy.standalone(),
        SecretSource.NONE);
    AttemptRunner runner = new AttemptRunner(http, deliverer, SecretSource.NONE, Clock.systemUTC(), 4096);
    DeliveryEngine engine = new DeliveryEngine(store.vertx.getDelegate(), "default", store.events, runner, routes,
        new DeliveryOptions("bench-kafka", concurrency, Duration.ofSeconds(60), Duration.ofMillis(100), 4096),
        new DeliveryMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
    long t0 = System.nanoTime();
    engine.start().await().atMost(LONG);
    long deadline = t0 + LONG.toNanos();
    while (store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state = 'delivered'", topic) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not done within " + LONG);
      }
      pause();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long notDelivered = store.count("SELECT count(*) FROM rewind.events WHERE route = $1 AND state <> 'delivered'",
        topic);
    engine.close();
    deliverer.close();
    http.close();
    System.out.printf(Locale.ROOT, "rewind   %-16s %d events in %.1f s (%d not delivered)%n", topic, n, seconds,
        notDelivered);
    return n / seconds;
  }

  /** A plain producer loop: Rewind's producer configuration, the same records, at most concurrency in flight. */
  private static double producer(KafkaBroker kafka, String topic, int n, int concurrency) throws Exception {
    Map<String, Object> config = KafkaClientConfig.producer(List.of(kafka.bootstrap()), null,
        KafkaClientConfig.Credentials.NONE, Duration.ofSeconds(30));
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(concurrency);
    CountDownLatch acked = new CountDownLatch(n);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      for (int i = 0; i < n; i++) {
        inFlight.acquire();
        String id = UUID.randomUUID().toString();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, id.getBytes(StandardCharsets.UTF_8),
            String.format(BODY, i).getBytes(StandardCharsets.UTF_8), List.of(
                new RecordHeader("Rewind-Event-Id", id.getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("Rewind-Attempt", "1".getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("Rewind-Source-Event-Id", id.getBytes(StandardCharsets.UTF_8))));
        producer.send(record, (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
          inFlight.release();
          acked.countDown();
        });
      }
      if (!acked.await(LONG.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("not acknowledged within " + LONG);
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "producer %-16s %d events in %.1f s%n", topic, n, seconds);
    return n / seconds;
  }

  private static void pause() {
    try {
      // A benchmark's own polling: 50 ms bounds the error on a run of seconds to a few per cent at worst.
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
