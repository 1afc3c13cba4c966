package dev.rewind.journal.delivery;

import dev.rewind.api.time.Durations;
import dev.rewind.journal.delivery.BreakerStateMachine.Gate;
import dev.rewind.journal.delivery.BreakerStateMachine.State;
import dev.rewind.journal.retry.BreakerPolicy;
import dev.rewind.journal.retry.Outcome;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteTable;
import dev.rewind.journal.store.BreakerRow;
import dev.rewind.journal.store.BreakerStore;
import dev.rewind.journal.store.ClaimedEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * One worker's side of the shared circuit breakers, and of paused routes: which routes are held, what this worker
 * saw of each destination (its {@link FailureCounter}), and the probe and drain claims.
 *
 * <p>A row's {@code hold_reason} (set by the operator when a Service has no ready endpoints) holds every route of
 * the destination, with a breaker or without.
 *
 * <p>Cost: the rows of the routes' destinations are read in one query once per refresh (the poll interval), not per
 * attempt; the store is written only on a transition (open, probe taken, probe
 * answered or failed, drained) and, while draining, once per drain tick for the shared tokens.
 */
final class BreakerGate {

  private static final Logger LOG = Logger.getLogger(BreakerGate.class);
  private static final Duration EXPIRY_EVERY = Duration.ofSeconds(2);

  private record Cached(BreakerRow row, long readAt) {}

  private final Vertx vertx;
  private final String namespace;
  private final String worker;
  private final BreakerStore store;
  private final RouteTable routes;
  private final Duration refresh;
  private final DeliveryMetrics metrics;
  private final LongSupplier nanos;
  /** Runs claimed events of a kind ("probe" or "drain"); answers how many it took (the rest went back). */
  private final Enqueue enqueue;
  private final IntSupplier room;
  private final java.util.function.Supplier<Duration> lease;

  private final Map<String, Cached> rows = new HashMap<>();
  private final Map<String, FailureCounter> counters = new HashMap<>();
  private final Map<String, Boolean> probing = new HashMap<>();
  /** Per destination, drain attempts started and not yet ended: the next share is claimed only after them. */
  private final Map<String, Integer> drainInFlight = new HashMap<>();
  /** When each destination's drain share in flight was claimed, to recover if its attempts never report. */
  private final Map<String, Long> drainSince = new HashMap<>();
  private long lastExpiry;
  private long timer = -1;
  private volatile boolean running;

  BreakerGate(Vertx vertx, String namespace, String worker, BreakerStore store, RouteTable routes,
      Duration refresh, DeliveryMetrics metrics, LongSupplier nanos, Enqueue enqueue,
      IntSupplier room, java.util.function.Supplier<Duration> lease) {
    this.vertx = vertx;
    this.namespace = namespace;
    this.worker = worker;
    this.store = store;
    this.routes = routes;
    this.refresh = refresh;
    this.metrics = metrics;
    this.nanos = nanos;
    this.enqueue = enqueue;
    this.room = room;
    this.lease = lease;
    this.lastExpiry = nanos.getAsLong();
  }

  /** Hands claimed events to the delivery pipeline. */
  @FunctionalInterface
  interface Enqueue {
    /** @return how many of {@code claimed} will run (and so report {@link #drainEnded}, when draining) */
    int accept(List<ClaimedEvent> claimed, String kind);
  }

  static String destination(ResolvedRoute route) {
    return BreakerStateMachine.key(route.destination());
  }

  static boolean paused(ResolvedRoute route) {
    return Boolean.TRUE.equals(route.spec().getPaused());
  }

  /** What this worker may do with the route's events now. */
  synchronized Gate gate(ResolvedRoute route) {
    Cached c = rows.get(destination(route));
    if (route.policy().breaker() == null) {
      // No breaker of its own: only another writer's hold stops it.
      return c != null && c.row().holdReason() != null ? Gate.HOLD : Gate.DELIVER;
    }
    return c == null ? Gate.DELIVER
        : BreakerStateMachine.gate(c.row(), worker, Duration.ofNanos(nanos.getAsLong() - c.readAt()));
  }

  /** Whether ordinary claims and attempts of the route must wait: paused, or its breaker is not closed. */
  boolean held(ResolvedRoute route) {
    return paused(route) || gate(route) != Gate.DELIVER;
  }

  /** Whether an attempt ending now for the route does not count against maxAttempts (breaker open). */
  boolean uncountedNow(ResolvedRoute route) {
    Gate g = gate(route);
    return g == Gate.HOLD || g == Gate.TRY_PROBE || g == Gate.PROBING;
  }

  void start() {
    running = true;
    tick();
  }

  void stop() {
    running = false;
    synchronized (this) {
      if (timer != -1) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  /**
   * An attempt of a route with a breaker ended (not a probe): counts it, and opens the breaker when the count
   * trips.
   */
  void attempted(ResolvedRoute route, Outcome outcome) {
    BreakerPolicy bp = route.policy().breaker();
    ResolvedPolicy policy = route.policy();
    if (bp == null || !BreakerStateMachine.counted(policy, outcome)) {
      return;
    }
    String dest = destination(route);
    boolean trip;
    synchronized (this) {
      Gate g = gate(route);
      if (g != Gate.DELIVER && g != Gate.DRAIN) {
        return;
      }
      FailureCounter counter = counters.computeIfAbsent(dest, d -> new FailureCounter(bp));
      trip = counter.record(BreakerStateMachine.countedFailure(policy, outcome));
      if (!trip) {
        return;
      }
      counter.reset();
      // Hold at once, before the store answers: attempts still queued here wait, and those ending count no more.
      Instant now = Instant.now();
      rows.put(dest, new Cached(new BreakerRow(dest, "open", now, bp.openFor().toMillis(), null, null, worker,
          outcome.token(), null, now), nanos.getAsLong()));
      drainInFlight.remove(dest);
      drainSince.remove(dest);
    }
    store.open(dest, worker, bp.openFor(), outcome.token()).subscribe().with(
        opened -> {
          if (opened.isPresent()) {
            LOG.warnf("Circuit breaker of %s opened (%s): its events are held, probed every %s", dest,
                outcome.token(), Durations.format(bp.openFor()));
            metrics.breakerTransition(dest, "open");
          }
          refreshSoon();
        },
        e -> LOG.warnf("Could not open the circuit breaker of %s: %s", dest, e.getMessage()));
  }

  /** A probe of the route's destination ended. */
  void probed(ResolvedRoute route, Outcome outcome) {
    String dest = destination(route);
    State next = BreakerStateMachine.afterProbe(route.policy(), outcome);
    synchronized (this) {
      probing.remove(dest);
      FailureCounter counter = counters.get(dest);
      if (counter != null) {
        counter.reset();
      }
    }
    Uni<Boolean> change = next == State.OPEN ? store.probeFailed(dest, worker, outcome.token())
        : store.probeAnswered(dest, worker);
    change.subscribe().with(
        changed -> {
          if (changed) {
            LOG.infof("Probe of %s: %s; circuit breaker %s", dest, outcome.token(),
                next == State.OPEN ? "open again" : "draining held events");
            metrics.breakerTransition(dest, next.name().toLowerCase(java.util.Locale.ROOT));
          }
          refreshSoon();
        },
        e -> LOG.warnf("Could not record the probe of %s: %s", dest, e.getMessage()));
  }

  private void refreshSoon() {
    schedule(Duration.ZERO);
  }

  private synchronized void schedule(Duration delay) {
    if (!running) {
      return;
    }
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
      synchronized (this) {
        timer = -1;
      }
      tick();
    });
  }

  private volatile boolean ticking;

  /** Reads the breaker rows, then probes, drains and expires as they allow. */
  private void tick() {
    if (!running || ticking) {
      return;
    }
    Map<String, List<ResolvedRoute>> byDestination = new LinkedHashMap<>();
    List<ResolvedRoute> pausedRoutes = new ArrayList<>();
    // Routes without a breaker: their destination's row is read only for a hold another writer may have set.
    Map<String, List<ResolvedRoute>> holdOnly = new LinkedHashMap<>();
    for (ResolvedRoute r : routes.all().values()) {
      if (r.policy().breaker() != null) {
        byDestination.computeIfAbsent(destination(r), d -> new ArrayList<>()).add(r);
      } else if (!paused(r)) {
        holdOnly.computeIfAbsent(destination(r), d -> new ArrayList<>()).add(r);
      }
      if (paused(r)) {
        pausedRoutes.add(r);
      }
    }
    if (byDestination.isEmpty() && pausedRoutes.isEmpty() && holdOnly.isEmpty()) {
      schedule(refresh);
      return;
    }
    ticking = true;
    long readAt = nanos.getAsLong();
    java.util.Set<String> destinations = new java.util.LinkedHashSet<>(byDestination.keySet());
    destinations.addAll(holdOnly.keySet());
    store.read(List.copyOf(destinations))
        .chain(read -> {
          synchronized (this) {
            for (String d : holdOnly.keySet()) {
              BreakerRow row = read.get(d);
              if (!byDestination.containsKey(d)) {
                rows.put(d, new Cached(row == null ? BreakerRow.closed(d) : row, readAt));
                if (row != null) {
                  metrics.breakerState(d, row.holdReason() != null ? "held" : row.state());
                }
              }
            }
            for (String d : byDestination.keySet()) {
              BreakerRow row = read.get(d);
              rows.put(d, new Cached(row == null ? BreakerRow.closed(d) : row, readAt));
              metrics.breakerState(d, row == null ? "closed" : row.holdReason() != null ? "held" : row.state());
            }
          }
          List<Uni<Void>> work = new ArrayList<>();
          byDestination.forEach((d, rs) -> work.add(act(d, rs)));
          work.add(expire(byDestination, pausedRoutes, holdOnly));
          return Uni.join().all(work).andCollectFailures().replaceWithVoid();
        })
        .subscribe().with(
            v -> {
              ticking = false;
              schedule(nextTick(byDestination));
            },
            e -> {
              ticking = false;
              LOG.debugf("Circuit breaker refresh failed: %s", e.getMessage());
              schedule(refresh);
            });
  }

  /** While draining, as often as one token comes due (at least every 10 ms); otherwise every refresh. */
  private Duration nextTick(Map<String, List<ResolvedRoute>> byDestination) {
    Duration next = refresh;
    for (Map.Entry<String, List<ResolvedRoute>> e : byDestination.entrySet()) {
      ResolvedRoute r = e.getValue().get(0);
      Gate g = gate(r);
      if (g == Gate.DRAIN) {
        Duration every = Duration.ofMillis(Math.max(10, 1000 / r.policy().breaker().drainRate()));
        next = every.compareTo(next) < 0 ? every : next;
      }
    }
    return next;
  }

  private Uni<Void> act(String dest, List<ResolvedRoute> rs) {
    ResolvedRoute first = rs.get(0);
    List<String> names = rs.stream().filter(r -> !paused(r)).map(ResolvedRoute::name).toList();
    Gate g = gate(first);
    return switch (g) {
      case TRY_PROBE -> {
        Duration lease = AttemptDeadlines.deadline(first.policy().timeout()).plusSeconds(1);
        yield store.tryProbe(dest, worker, lease).map(taken -> {
          taken.ifPresent(row -> {
            synchronized (this) {
              rows.put(dest, new Cached(row, nanos.getAsLong()));
            }
            metrics.breakerTransition(dest, "half_open");
          });
          return taken.isPresent();
        }).chain(taken -> taken ? probe(dest, names, lease) : Uni.createFrom().voidItem());
      }
      case PROBING -> probe(dest, names, AttemptDeadlines.deadline(first.policy().timeout()).plusSeconds(1));
      case DRAIN -> drain(dest, names, first.policy().breaker().drainRate());
      default -> Uni.createFrom().voidItem();
    };
  }

  private Uni<Void> probe(String dest, List<String> names, Duration lease) {
    synchronized (this) {
      if (probing.containsKey(dest)) {
        return Uni.createFrom().voidItem();
      }
      probing.put(dest, true);
    }
    return store.claimOldest(worker, namespace, names, 1, lease).invoke(claimed -> {
      if (claimed.isEmpty()) {
        synchronized (this) {
          probing.remove(dest);
        }
      } else {
        enqueue.accept(claimed, "probe");
      }
    }).onFailure().invoke(e -> {
      synchronized (this) {
        probing.remove(dest);
      }
    }).replaceWithVoid();
  }

  /**
   * Claims the destination's next share of held events, oldest first, once the previous share's attempts have all
   * ended: so at a drain rate up to 100/s (a share of one) held events reach the destination one at a time in
   * capture order; above it, a share of {@code ceil(rate / 100)} starts in capture order and runs concurrently.
   */
  private Uni<Void> drain(String dest, List<String> names, int rate) {
    int burst = Math.max(1, (int) Math.ceil(rate / 100.0));
    int wanted = Math.min(burst, room.getAsInt());
    synchronized (this) {
      if (drainInFlight.getOrDefault(dest, 0) > 0) {
        long since = drainSince.getOrDefault(dest, 0L);
        if (nanos.getAsLong() - since < lease.get().toNanos()) {
          return Uni.createFrom().voidItem();
        }
        // Its attempts never reported (they outlived their lease): the store will hand those events out again.
        drainInFlight.remove(dest);
      }
    }
    if (wanted <= 0) {
      return Uni.createFrom().voidItem();
    }
    return store.drainTokens(dest, wanted, rate, burst).chain(tokens -> {
      if (tokens == 0) {
        return Uni.createFrom().voidItem();
      }
      return store.claimOldest(worker, namespace, names, tokens, lease.get())
          .chain(claimed -> {
            if (!claimed.isEmpty()) {
              synchronized (this) {
                drainInFlight.put(dest, claimed.size());
                drainSince.put(dest, nanos.getAsLong());
              }
              int taken = enqueue.accept(claimed, "drain");
              for (int i = taken; i < claimed.size(); i++) {
                drainEnded(dest);
              }
              return Uni.createFrom().voidItem();
            }
            return store.drained(dest).invoke(closed -> {
              if (closed) {
                LOG.infof("Circuit breaker of %s closed: every held event has gone out", dest);
                metrics.breakerTransition(dest, "closed");
              }
              synchronized (this) {
                rows.put(dest, new Cached(BreakerRow.closed(dest), nanos.getAsLong()));
              }
            }).replaceWithVoid();
          });
    });
  }

  /** A drain attempt of the destination ended: once its whole share has, the next share may be claimed. */
  void drainEnded(String dest) {
    boolean shareDone;
    synchronized (this) {
      Integer left = drainInFlight.get(dest);
      if (left == null) {
        return;
      }
      shareDone = left <= 1;
      if (shareDone) {
        drainInFlight.remove(dest);
        drainSince.remove(dest);
      } else {
        drainInFlight.put(dest, left - 1);
      }
    }
    if (shareDone) {
      refreshSoon();
    }
  }

  private synchronized String holdReason(String destination) {
    Cached c = rows.get(destination);
    return c == null ? null : c.row().holdReason();
  }

  /** Held events (paused route, or breaker not closed) captured longer than their maxAge ago become dead. */
  private Uni<Void> expire(Map<String, List<ResolvedRoute>> byDestination, List<ResolvedRoute> pausedRoutes,
      Map<String, List<ResolvedRoute>> holdOnly) {
    long now = nanos.getAsLong();
    if (now - lastExpiry < EXPIRY_EVERY.toNanos()) {
      return Uni.createFrom().voidItem();
    }
    lastExpiry = now;
    List<String> names = new ArrayList<>();
    List<Long> ages = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (ResolvedRoute r : pausedRoutes) {
      names.add(r.name());
      ages.add(r.policy().maxAge().toMillis());
      reasons.add("held while route " + r.name() + " was paused, past maxAge " + Durations.format(
          r.policy().maxAge()));
    }
    byDestination.forEach((d, rs) -> rs.stream().filter(r -> !paused(r) && uncountedNow(r)).forEach(r -> {
      names.add(r.name());
      ages.add(r.policy().maxAge().toMillis());
      reasons.add("held while the circuit breaker of " + d + " was open, past maxAge "
          + Durations.format(r.policy().maxAge()));
    }));
    holdOnly.forEach((d, rs) -> rs.stream().filter(r -> gate(r) == Gate.HOLD).forEach(r -> {
      names.add(r.name());
      ages.add(r.policy().maxAge().toMillis());
      reasons.add("held while " + d + " was held (" + holdReason(d) + "), past maxAge "
          + Durations.format(r.policy().maxAge()));
    }));
    return store.expireHeld(namespace, names, ages, reasons).invoke(n -> {
      if (n > 0) {
        LOG.warnf("%d held events passed their maxAge and are dead", n);
      }
    }).replaceWithVoid();
  }
}
