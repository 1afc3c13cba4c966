package dev.rewind.bench.replay;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryEngine;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.DeliveryOptions;
import dev.rewind.journal.delivery.HttpDeliverer;
import dev.rewind.journal.delivery.SecretSource;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.replay.ReplayEngine;
import dev.rewind.journal.replay.ReplayOptions;
import dev.rewind.journal.replay.ReplayRequest;
import dev.rewind.journal.replay.ReplayStatusView;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteTable;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Replay throughput against live delivery throughput, in one run on one embedded PostgreSQL (fsync and
 * synchronous_commit on) and one fast loopback sink: N dead events replayed by the {@link ReplayEngine}, and N
 * pending events delivered by the sidecar's {@link DeliveryEngine}, at the same concurrency. Both tables are
 * seeded before either is measured, so both run against the same journal. A warm-up round of each runs first.
 *
 * <p>Usage: {@code ReplayBench [events] [concurrency] [--replay-only]} (defaults 100000 and 64; --replay-only skips
 * live delivery, for large replays whose live baseline would take too long). Run it with bench/replay.sh.
 */
public final class ReplayBench {

  private static final Duration LONG = Duration.ofMinutes(30);
  private static CpuMeter cpu;

  private ReplayBench() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    boolean withLive = !(args.length > 2 && args[2].equals("--replay-only"));
    int warmup = Math.min(10_000, Math.max(1000, events / 10));

    try (TestStore store = TestStore.create(); FastSink sink = new FastSink()) {
      cpu = CpuMeter.forPostgresOnPort(dev.rewind.journal.testing.EmbeddedPostgres.port());
      System.out.printf(Locale.ROOT, "Seeding %d dead%s events (+%d to warm up)...%n", events,
          withLive ? " and " + events + " pending" : "", warmup);
      long t0 = System.nanoTime();
      if (withLive) {
        seed(store, sink, "live-warmup", EventState.PENDING, warmup);
        seed(store, sink, "live", EventState.PENDING, events);
      }
      seed(store, sink, "replay-warmup", EventState.DEAD, warmup);
      seed(store, sink, "replay", EventState.DEAD, events);
      store.column("ANALYZE rewind.events");
      System.out.printf(Locale.ROOT, "Seeded in %.1f s%n", seconds(System.nanoTime() - t0));

      if (withLive) {
        live(store, sink, "live-warmup", warmup, concurrency);
      }
      replay(store, sink, "replay-warmup", warmup, concurrency);
      Result live = withLive ? live(store, sink, "live", events, concurrency) : null;
      Result replay = replay(store, sink, "replay", events, concurrency);

      System.out.println();
      System.out.printf(Locale.ROOT, "%d events, concurrency %d, %d cores, embedded PostgreSQL (fsync on)%n",
          events, concurrency, Runtime.getRuntime().availableProcessors());
      if (live != null) {
        System.out.printf(Locale.ROOT, "  live delivery: %7.1f s  %8.0f events/s%n", live.seconds, live.rate());
      }
      System.out.printf(Locale.ROOT, "  replay:        %7.1f s  %8.0f events/s  (matched set fixed in %.2f s)%n",
          replay.seconds, replay.rate(), replay.setup);
      if (live != null) {
        System.out.printf(Locale.ROOT, "  replay / live: %.2f%n", replay.rate() / live.rate());
        System.out.printf(Locale.ROOT, "  CPU per 1,000 events: live %s; replay %s%n", live.cpuPerThousand(),
            replay.cpuPerThousand());
      } else {
        System.out.printf(Locale.ROOT, "  CPU per 1,000 events: replay %s%n", replay.cpuPerThousand());
      }
    }
    System.exit(0);
  }

  private record Result(int events, double seconds, double setup, CpuMeter.Sample cpu) {
    double rate() {
      return events / seconds;
    }

    /** CPU milliseconds per 1,000 events: JVM, PostgreSQL. */
    String cpuPerThousand() {
      return cpu == null ? "n/a" : String.format(Locale.ROOT, "JVM %.0f ms + PostgreSQL %.0f ms",
          cpu.jvmNanos() / 1e3 / events, cpu.postgresNanos() / 1e3 / events);
    }
  }

  private static void seed(TestStore store, FastSink sink, String route, EventState state, int n) {
    JournalSeed seed = JournalSeed.in(store).route(route, sink.url("/" + route));
    seed = state == EventState.PENDING ? seed.state(EventState.PENDING, null, 0) : seed.state(state, "503", 3);
    for (int done = 0; done < n; done += 10_000) {
      seed.append(Math.min(10_000, n - done));
    }
  }

  /** The sidecar's delivery engine, wired as the sidecar wires it, delivering a backlog of pending events. */
  private static Result live(TestStore store, FastSink sink, String routeName, int n, int concurrency) {
    ResolvedRoute route = Routes.to(routeName, sink.url("/" + routeName), "maxAttempts: 3\n");
    RouteTable routes = new RouteTable();
    routes.replace(Map.of(route.name(), route));
    HttpDeliverer deliverer = new HttpDeliverer(store.vertx.getDelegate(), AddressPolicy.standalone(), concurrency);
    AttemptRunner runner = new AttemptRunner(deliverer, SecretSource.NONE, Clock.systemUTC(), 4096);
    DeliveryEngine engine = new DeliveryEngine(store.vertx.getDelegate(), "default", store.events, runner, routes,
        new DeliveryOptions("bench-live", concurrency, Duration.ofSeconds(60), Duration.ofMillis(100), 4096),
        new DeliveryMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
    CpuMeter.Sample cpu0 = cpuSample();
    long t0 = System.nanoTime();
    engine.start().await().atMost(LONG);
    awaitCount(store, "SELECT count(*) FROM rewind.events WHERE namespace = 'default' AND route = $1"
        + " AND state = 'delivered'", routeName, n);
    double seconds = seconds(System.nanoTime() - t0);
    CpuMeter.Sample used = cpuUsedSince(cpu0);
    engine.close();
    deliverer.close();
    System.out.printf(Locale.ROOT, "live   %-14s %d events in %.1f s%n", routeName, n, seconds);
    return new Result(n, seconds, 0, used);
  }

  /** The replay engine, as the operator or the CLI runs it, replaying every dead event of a route. */
  private static Result replay(TestStore store, FastSink sink, String routeName, int n, int concurrency) {
    ResolvedRoute route = Routes.to(routeName, sink.url("/" + routeName), "maxAttempts: 3\n");
    HttpDeliverer deliverer = new HttpDeliverer(store.vertx.getDelegate(), AddressPolicy.standalone(), concurrency);
    AttemptRunner runner = new AttemptRunner(deliverer, SecretSource.NONE, Clock.systemUTC(), 4096);
    ReplayEngine engine = new ReplayEngine(store.store, runner, ReplayOptions.defaults("bench-replay"),
        Clock.systemUTC());
    ReplaySpec spec = new ReplaySpec();
    spec.setRouteRef(new LocalObjectReference(routeName));
    spec.setRateLimit(0);
    spec.setConcurrency(concurrency);
    spec.setMaxEvents(n);
    ReplayRequest request = new ReplayRequest(UUID.randomUUID(), "default", routeName + "-bench", spec,
        Map.of(route.name(), route), Map.of());
    CpuMeter.Sample cpu0 = cpuSample();
    long t0 = System.nanoTime();
    ReplayStatusView started = engine.start(request).await().atMost(LONG);
    double setup = seconds(System.nanoTime() - t0);
    ReplayStatusView done = engine.finished(request.id()).await().atMost(LONG);
    double seconds = seconds(System.nanoTime() - t0);
    CpuMeter.Sample used = cpuUsedSince(cpu0);
    engine.close();
    deliverer.close();
    if (started.matched() != n || done.phase() != ReplayPhase.Succeeded || done.delivered() != n) {
      throw new IllegalStateException("replay " + routeName + " ended " + done.phase() + " with " + done.delivered()
          + " of " + n + " delivered (matched " + started.matched() + ")");
    }
    System.out.printf(Locale.ROOT, "replay %-14s %d events in %.1f s%n", routeName, n, seconds);
    return new Result(n, seconds, setup, used);
  }

  private static void awaitCount(TestStore store, String sql, String param, long expected) {
    long deadline = System.nanoTime() + LONG.toNanos();
    while (store.count(sql, param) < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not done within " + LONG);
      }
      pause();
    }
  }

  private static void pause() {
    try {
      // A benchmark's own polling: 50 ms bounds the error on a run of tens of seconds to well under 1 %.
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static CpuMeter.Sample cpuSample() {
    return cpu == null ? null : cpu.sample();
  }

  private static CpuMeter.Sample cpuUsedSince(CpuMeter.Sample start) {
    return cpu == null ? null : cpu.sample().minus(start);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
