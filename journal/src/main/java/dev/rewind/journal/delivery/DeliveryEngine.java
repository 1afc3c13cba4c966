package dev.rewind.journal.delivery;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.batch.WakeUp;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.retry.RetryDecider;
import dev.rewind.journal.retry.RetryDecision;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteTable;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.OutcomeWrite;
import dev.rewind.journal.store.ClaimedEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Delivers the events of one namespace's routes: new events handed over at capture (attempted at once, no
 * polling delay), retries that fall due, and events whose worker died (lease expired). Attempts run through the
 * shared {@link AttemptPipeline} (at most {@code concurrency} at once, outcomes journaled in group commits), so
 * every attempt ends recorded and returns its slot, whatever happens during it.
 *
 * <p>The poller sleeps until the earliest retry it scheduled or the poll interval, whichever is sooner, so retries
 * start on time without polling the store in a tight loop.
 */
public final class DeliveryEngine implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DeliveryEngine.class);
  private static final int CLAIM_BATCH = 256;

  /**
   * A claimed event, the route it was claimed for, and how much of the answer to keep.
   *
   * @param kind {@link #LIVE}, {@link #PASSTHROUGH}, {@link #PROBE} (a circuit breaker's probe) or
   *     {@link #DRAIN} (a held event let go)
   * @param uncounted attempts the event made that do not count against the policy
   */
  record Work(DeliveryItem item, ResolvedRoute route, int bodyLimit, String kind, int uncounted) {

    Work(DeliveryItem item, ResolvedRoute route, int bodyLimit) {
      this(item, route, bodyLimit, LIVE, 0);
    }
  }

  static final String LIVE = "live";
  static final String PROBE = "probe";
  static final String DRAIN = "drain";
  /** A passthrough forward: the application waits for the answer, so it is never held. */
  static final String PASSTHROUGH = "passthrough";

  /** What a passthrough forward produced: the destination's answer, or why there was none. */
  public record Forwarded(AttemptResult result) {}

  private final Vertx vertx;
  private final String namespace;
  private final EventStore store;
  private final AttemptRunner runner;
  private final RouteTable routes;
  private final DeliveryOptions options;
  private final DeliveryMetrics metrics;
  private final Clock clock;
  private final AttemptPipeline<Work, OutcomeWrite> pipeline;
  private final BreakerGate breakers;

  /**
   * Outcomes handed to the group commit and not yet committed, at most: two full batches. With the attempts under
   * way, this bounds what a sidecar killed at any moment has sent without journaling it, and so sends again.
   */
  static final int OUTCOMES_PENDING_MAX = 1024;

  private int reserved;
  /** Body bytes of events reserved, queued or in flight: bounded by the memory budget. */
  private long buffered;

  private boolean polling;
  /**
   * Counts the signals that the store may hold due events of served routes that no one has claimed: an event
   * journaled unclaimed because every slot was taken, events handed back, a poll that found some (there may be
   * more). While every signal is settled (a poll started after it found nothing), a freed slot waits for the
   * next regular poll instead of asking the store at once: at a steady live load every event is claimed at
   * capture, and asking after each attempt cost one (empty) claim query per event, store CPU that competed with
   * the captures' commits. Events that fall due meanwhile (retries, expired leases
   * of other workers) wait at most one poll interval, as they always did.
   */
  private long dueSignals = 1;
  /** {@link #dueSignals} as it stood when a poll that found nothing started: signals after it still count. */
  private long dueSignalsSettled;
  private final WakeUp pollWakeUp;
  private volatile boolean running;

  public DeliveryEngine(Vertx vertx, String namespace, EventStore store, AttemptRunner runner, RouteTable routes,
      DeliveryOptions options, DeliveryMetrics metrics, Clock clock) {
    this.vertx = vertx;
    this.namespace = namespace;
    this.store = store;
    this.runner = runner;
    this.routes = routes;
    this.options = options;
    this.metrics = metrics;
    this.clock = clock;
    this.pipeline = new AttemptPipeline<>(vertx, new LiveLane(), options.concurrency(), OUTCOMES_PENDING_MAX,
        metrics, System::nanoTime);
    this.pollWakeUp = new WakeUp(vertx, this::poll);
    this.breakers = new BreakerGate(vertx, namespace, options.worker(), store.breakers(namespace), routes,
        options.pollInterval(), metrics, System::nanoTime, this::enqueueClaimed, this::room, this::lease);
    metrics.stall(options.worker(), pipeline::stalledFor);
    routes.onChange(r -> wakeNow());
  }

  /** Takes back this worker's unfinished events from an earlier life, then starts polling. */
  public Uni<Void> start() {
    return store.releaseLeasesOf(options.worker())
        .invoke(n -> {
          if (n > 0) {
            LOG.infof("Took back %d events leased by %s before a restart; their attempts are recorded as"
                + " interrupted", n, options.worker());
          }
          running = true;
          breakers.start();
          wakeNow();
        })
        .replaceWithVoid();
  }

  /** The lease a claim takes now, long enough for the slowest served route's attempt. */
  public Duration lease() {
    return options.leaseFor(longestTimeout());
  }

  private Duration longestTimeout() {
    Duration longest = Duration.ofSeconds(1);
    for (ResolvedRoute r : routes.all().values()) {
      Duration t = r.policy().timeout();
      if (t.compareTo(longest) > 0) {
        longest = t;
      }
    }
    return longest;
  }

  public String worker() {
    return options.worker();
  }

  /**
   * Reserves room to attempt a new event at once. When every slot and the queue behind them are taken, the event
   * is journaled unclaimed instead, and the poller picks it up as soon as there is room.
   */
  public synchronized boolean tryReserve(int bodyBytes) {
    boolean room = pipeline.inFlight() + pipeline.queued() + reserved < 2 * options.concurrency()
        && (buffered == 0 || buffered + bodyBytes <= options.memoryBudget());
    if (running && room) {
      reserved++;
      buffered += bodyBytes;
      return true;
    }
    signalDue(); // journaled unclaimed: the poller takes it when there is room
    return false;
  }

  /** Passthrough attempts run at once whatever the load (the application waits); they are counted all the same. */
  public synchronized void tryReserveForPassthrough(int bodyBytes) {
    reserved++;
    buffered += bodyBytes;
  }

  /** Gives back a reservation whose event was not claimed (duplicate, or the journal write failed). */
  public synchronized void unreserve(int bodyBytes) {
    reserved--;
    buffered -= bodyBytes;
  }

  /**
   * Hands over a new event claimed at capture; attempt 1 starts as soon as a slot is free. The attempt is started
   * from a fresh event-loop task, so the capture's acknowledgement is written first and does not wait for the
   * attempt's connection setup.
   */
  public void dispatch(DeliveryItem item, ResolvedRoute route) {
    synchronized (this) {
      reserved--;
    }
    Work work = new Work(item, route, options.responseBodyLimit());
    vertx.runOnContext(v -> pipeline.enqueue(work));
  }

  /**
   * Attempts a claimed event now and returns the destination's whole answer (passthrough mode): the
   * application is waiting, so this does not queue behind background work.
   */
  public Uni<Forwarded> forward(DeliveryItem item, ResolvedRoute route, int bodyLimit) {
    synchronized (this) {
      reserved--;
    }
    return pipeline.attemptNow(new Work(item, route, bodyLimit, PASSTHROUGH, 0))
        .map(finished -> new Forwarded(finished.result()));
  }

  /** Decides with the newest version of the route (a policy edit applies to events already in flight). */
  private ResolvedRoute current(ResolvedRoute snapshot) {
    ResolvedRoute now = routes.get(snapshot.name());
    return now != null ? now : snapshot;
  }

  /** Live delivery's part of the pipeline: the event's own URL and policy, trigger initial or retry. */
  private final class LiveLane implements AttemptPipeline.Lane<Work, OutcomeWrite> {

    @Override
    public Uni<AttemptResult> attempt(Work work) {
      ResolvedRoute route = current(work.route());
      return runner.attempt(work.item(), route, work.item().url(), route.policy().timeout(), null,
          work.bodyLimit());
    }

    @Override
    public Duration deadline(Work work) {
      return options.attemptDeadline(current(work.route()).policy().timeout());
    }

    @Override
    public OutcomeWrite skip(Work work) {
      DeliveryItem item = work.item();
      ResolvedRoute route = current(work.route());
      ResolvedPolicy policy = route.policy();
      if (held(work, route)) {
        // Its route is paused or its destination's breaker is not closed: back to the journal, unattempted.
        metrics.held(item.route());
        return new OutcomeWrite(item.id(), item.attempt(), null, item.leaseToken(), EventState.PENDING, null);
      }
      if (!item.afterInterruption() || item.attempt() - work.uncounted() <= policy.maxAttempts()) {
        return null;
      }
      // The earlier attempts, interrupted ones included, already used up the policy.
      metrics.dead(item.route());
      return new OutcomeWrite(item.id(), item.attempt(), null, item.leaseToken(), EventState.DEAD, null);
    }

    @Override
    public OutcomeWrite outcome(Work work, AttemptResult result) {
      DeliveryItem item = work.item();
      ResolvedRoute route = current(work.route());
      ResolvedPolicy policy = route.policy();
      boolean probe = PROBE.equals(work.kind());
      // A probe, or an attempt ending after its destination's breaker opened, spends no retry budget.
      boolean uncounted = policy.breaker() != null && (probe || breakers.uncountedNow(route));
      if (probe) {
        breakers.probed(route, result.outcome());
      } else if (!uncounted) {
        breakers.attempted(route, result.outcome());
      }
      RetryDecision decision = uncounted
          ? RetryDecider.decideUncounted(policy, result.outcome(), item.receivedAt(), clock.instant(),
              () -> ThreadLocalRandom.current().nextDouble())
          : RetryDecider.decide(policy, item.attempt() - work.uncounted(), result.outcome(), item.receivedAt(),
              clock.instant(), () -> ThreadLocalRandom.current().nextDouble());
      String trigger = item.attempt() == 1 ? AttemptRecord.INITIAL : AttemptRecord.RETRY;
      AttemptRecord attempt = runner.record(item, result, trigger, null, null, options.worker(), item.url(),
          decision);
      metrics.attempt(item.route(), trigger, attempt.outcome(), result.durationMs());
      switch (decision.kind()) {
        case DELIVERED -> metrics.delivered(item.route());
        case RETRY -> metrics.failed(item.route());
        default -> metrics.dead(item.route());
      }
      return new OutcomeWrite(item.id(), item.attempt(), attempt, item.leaseToken(), decision.state(),
          decision.delay(), uncounted);
    }

    @Override
    public Uni<?> write(List<OutcomeWrite> batch) {
      List<OutcomeWrite> outcomes = new ArrayList<>(batch.size());
      List<OutcomeWrite> back = new ArrayList<>();
      for (OutcomeWrite w : batch) {
        (isGiveBack(w) ? back : outcomes).add(w);
      }
      Uni<Integer> recorded = outcomes.isEmpty() ? Uni.createFrom().item(0) : store.recordOutcomes(outcomes);
      if (back.isEmpty()) {
        return recorded;
      }
      return recorded.chain(() -> store.release(back.stream().map(OutcomeWrite::eventId).toList(),
              back.stream().map(OutcomeWrite::leaseToken).toList(), back.stream().map(OutcomeWrite::number).toList()))
          .invoke(() -> {
            synchronized (DeliveryEngine.this) {
              signalDue(); // held events, due again for whoever serves their route
            }
          });
    }

    @Override
    public void ended(Work work) {
      synchronized (DeliveryEngine.this) {
        buffered -= work.item().body().length;
      }
      if (DRAIN.equals(work.kind())) {
        breakers.drainEnded(BreakerGate.destination(work.route()));
      }
      boolean now;
      synchronized (DeliveryEngine.this) {
        now = dueSignals != dueSignalsSettled;
      }
      // Keeps the regular poll armed either way: a poll that found no room arms none.
      wake(now ? Duration.ZERO : options.pollInterval());
    }

    @Override
    public void committed(OutcomeWrite write) {
      if (write.newState() == EventState.FAILED && !write.uncounted()) {
        wake(write.retryDelay());
      }
    }

    @Override
    public String describe(Work work) {
      return "event " + work.item().id();
    }

    @Override
    public String describeWrite(OutcomeWrite write) {
      return write.attempt() == null ? "the end of event " + write.eventId()
          : "attempt " + write.attempt().number() + " of event " + write.eventId();
    }
  }

  /** A write that hands an event back unattempted (held) rather than recording an attempt. */
  private static boolean isGiveBack(OutcomeWrite w) {
    return w.attempt() == null && w.newState() == EventState.PENDING;
  }

  /** Whether the work must wait instead of being attempted now. */
  private boolean held(Work work, ResolvedRoute route) {
    if (PASSTHROUGH.equals(work.kind())) {
      return false;
    }
    if (BreakerGate.paused(route)) {
      return true;
    }
    BreakerStateMachine.Gate gate = breakers.gate(route);
    return switch (gate) {
      case DELIVER -> false;
      case DRAIN -> !DRAIN.equals(work.kind());
      case PROBING -> !PROBE.equals(work.kind());
      default -> true;
    };
  }

  /** Slots and queue room left for claimed work. */
  private synchronized int room() {
    return running ? 2 * options.concurrency() - pipeline.inFlight() - pipeline.queued() - reserved : 0;
  }

  /** Events the breakers claimed (a probe, or a drain's share), run like polled ones. */
  private int enqueueClaimed(List<ClaimedEvent> claimed, String kind) {
    List<Work> work = new ArrayList<>(claimed.size());
    List<DeliveryItem> unserved = new ArrayList<>();
    synchronized (this) {
      for (ClaimedEvent c : claimed) {
        DeliveryItem item = DeliveryItem.of(c.event(), c.afterInterruption());
        ResolvedRoute route = routes.get(item.route());
        if (route != null && running) {
          work.add(new Work(item, route, options.responseBodyLimit(), kind, c.uncountedAttempts()));
          buffered += item.body().length;
        } else {
          unserved.add(item);
        }
      }
    }
    giveBack(unserved);
    vertx.runOnContext(v -> pipeline.enqueueAll(work));
    return work.size();
  }

  /** Polls at once, assuming due work may be waiting (start, a route change, events handed back). */
  private void wakeNow() {
    synchronized (this) {
      signalDue();
    }
    wake(Duration.ZERO);
  }

  /** Called holding the engine's lock. */
  private void signalDue() {
    dueSignals++;
  }

  /** Polls within {@code delay} (sooner if already scheduled sooner). */
  private void wake(Duration delay) {
    if (running) {
      pollWakeUp.within(delay);
    }
  }

  private void poll() {
    long signalsAtStart;
    int room;
    long bytesLeft;
    synchronized (this) {
      if (!running || polling) {
        return;
      }
      room = 2 * options.concurrency() - pipeline.inFlight() - pipeline.queued() - reserved;
      bytesLeft = options.memoryBudget() - buffered;
      if (room <= 0 || (buffered > 0 && bytesLeft <= 0)) {
        return; // a committed outcome wakes us when a slot frees up
      }
      polling = true;
      signalsAtStart = dueSignals;
    }
    List<String> served = routes.all().values().stream().filter(r -> !breakers.held(r))
        .map(ResolvedRoute::name).toList();
    int limit = Math.min(room, CLAIM_BATCH);
    // With nothing buffered, the store's "first event always" rule lets one event larger than the budget through.
    store.claimDue(options.worker(), namespace, served, limit, lease(), Math.max(0, bytesLeft), options.overdueBy())
        .subscribe().with(
        claimed -> {
          List<Work> work = new ArrayList<>(claimed.size());
          List<DeliveryItem> unserved = new ArrayList<>();
          synchronized (this) {
            polling = false;
            if (claimed.isEmpty()) {
              dueSignalsSettled = signalsAtStart; // a signal that came while the claim ran still stands
            } else {
              signalDue(); // there may be more
            }
            for (ClaimedEvent c : claimed) {
              DeliveryItem item = DeliveryItem.of(c.event(), c.afterInterruption());
              ResolvedRoute route = routes.get(item.route());
              if (route != null) {
                work.add(new Work(item, route, options.responseBodyLimit(), LIVE, c.uncountedAttempts()));
                buffered += item.body().length;
              } else {
                unserved.add(item);
              }
            }
          }
          metrics.polled();
          giveBack(unserved);
          pipeline.enqueueAll(work);
          wake(claimed.size() == limit ? Duration.ZERO : options.pollInterval());
        },
        failure -> {
          synchronized (this) {
            polling = false;
          }
          LOG.debugf("Polling for due events failed: %s", failure.getMessage());
          wake(options.pollInterval().multipliedBy(4));
        });
  }

  /** Hands claimed events back unattempted: due at once for whoever serves them, their claim not counted. */
  private Uni<Integer> giveBack(List<DeliveryItem> items) {
    if (items.isEmpty()) {
      return Uni.createFrom().item(0);
    }
    Uni<Integer> released = store.release(items.stream().map(DeliveryItem::id).toList(),
        items.stream().map(DeliveryItem::leaseToken).toList(),
        items.stream().map(DeliveryItem::attempt).toList()).memoize().indefinitely();
    released.subscribe().with(n -> wakeNow(), e -> LOG.warnf("Could not give back %d claimed events (%s); they are"
        + " due again when their lease runs out", items.size(), e.getMessage()));
    return released;
  }

  /** Attempts running or waiting for a slot. */
  public int backlog() {
    return pipeline.inFlight() + pipeline.queued();
  }

  /** Body bytes held in memory for delivery right now (bounded by the memory budget, but for one event). */
  public synchronized long bufferedBytes() {
    return buffered;
  }

  /** How long delivery has had work without progress (zero while it moves or is idle). */
  public Duration stalledFor() {
    return pipeline.stalledFor();
  }

  /**
   * Whether delivery is stuck: work waiting and nothing moving for longer than any attempt may take (its hard
   * deadline) plus time for its outcome to commit. Readiness reports it.
   */
  public boolean stalled() {
    Duration bound = options.attemptDeadline(longestTimeout()).plusSeconds(30);
    return pipeline.stalledFor().compareTo(bound) > 0;
  }

  /**
   * Stops taking work, hands unstarted events back to the store so another worker can take them at once, and
   * lets running attempts finish (up to {@code grace}); what is still running then is left to its lease.
   */
  public Uni<Void> stop(Duration grace) {
    List<Work> unstarted;
    breakers.stop();
    synchronized (this) {
      running = false;
      pollWakeUp.cancel();
      unstarted = pipeline.stop();
      unstarted.forEach(w -> buffered -= w.item().body().length);
    }
    long deadline = System.nanoTime() + grace.toNanos();
    Uni<Void> idle = Uni.createFrom().emitter(emitter -> {
      long[] timer = new long[1];
      timer[0] = vertx.setPeriodic(20, id -> {
        if (pipeline.inFlight() == 0 && pipeline.recording() == 0 || System.nanoTime() - deadline > 0) {
          vertx.cancelTimer(timer[0]);
          emitter.complete(null);
        }
      });
    });
    return giveBack(unstarted.stream().map(Work::item).toList())
        .onFailure().recoverWithItem(0)
        .chain(() -> idle)
        .chain(() -> store.releaseLeasesOf(options.worker())).replaceWithVoid();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(10));
  }
}
