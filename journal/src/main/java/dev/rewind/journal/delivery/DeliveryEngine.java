package dev.rewind.journal.delivery;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.batch.GroupCommit;
import dev.rewind.journal.batch.WakeUp;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.retry.RetryDecider;
import dev.rewind.journal.retry.RetryDecision;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteTable;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.OutcomeWrite;
import dev.rewind.journal.store.StoredEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Delivers the events of one namespace's routes: new events handed over at capture (attempted at once, no
 * polling delay), retries that fall due, and events whose worker died (lease expired). At most
 * {@code concurrency} attempts run at once; outcomes are journaled in group commits.
 *
 * <p>The poller sleeps until the earliest retry it scheduled or the poll interval, whichever is sooner, so retries
 * start on time without polling the store in a tight loop.
 */
public final class DeliveryEngine implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(DeliveryEngine.class);
  private static final int CLAIM_BATCH = 256;
  private static final int MAX_UNRECORDED = 100_000;

  private record Work(DeliveryItem item, ResolvedRoute route) {}

  /** What a passthrough forward produced, and what the journal now says about the event. */
  public record Forwarded(AttemptResult result, RetryDecision decision) {}

  private final Vertx vertx;
  private final String namespace;
  private final EventStore store;
  private final AttemptRunner runner;
  private final RouteTable routes;
  private final DeliveryOptions options;
  private final DeliveryMetrics metrics;
  private final Clock clock;
  private final GroupCommit<OutcomeWrite, Integer> outcomes;

  private final ArrayDeque<Work> queue = new ArrayDeque<>();
  private final ArrayDeque<OutcomeWrite> unrecorded = new ArrayDeque<>();
  /**
   * Outcomes handed to the group commit and not yet committed, at most: two full batches. With the attempts under
   * way, this bounds what a sidecar killed at any moment has sent without journaling it, and so sends again.
   */
  static final int OUTCOMES_PENDING_MAX = 1024;

  private int inFlight;
  private int uncommitted;
  private int reserved;
  /** Body bytes of events reserved, queued or in flight: bounded by the memory budget. */
  private long buffered;

  private boolean polling;
  private final WakeUp pollWakeUp;
  private long retryTimer = -1;
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
    this.outcomes = new GroupCommit<>(writes -> store.recordOutcomes(writes).map(n -> writes.stream()
        .map(w -> n).toList()), 512, 2);
    this.pollWakeUp = new WakeUp(vertx, this::poll);
    routes.onChange(r -> wake(Duration.ZERO));
  }

  /** Takes back this worker's unfinished events from an earlier life, then starts polling. */
  public Uni<Void> start() {
    return store.releaseLeasesOf(options.worker())
        .invoke(n -> {
          if (n > 0) {
            LOG.infof("Took back %d events leased by %s before a restart", n, options.worker());
          }
          running = true;
          wake(Duration.ZERO);
        })
        .replaceWithVoid();
  }

  /** The lease a claim takes now, long enough for the slowest served route's attempt. */
  public Duration lease() {
    Duration longest = Duration.ofSeconds(1);
    for (ResolvedRoute r : routes.all().values()) {
      Duration t = r.policy().timeout();
      if (t.compareTo(longest) > 0) {
        longest = t;
      }
    }
    return options.leaseFor(longest);
  }

  public String worker() {
    return options.worker();
  }

  /**
   * Reserves room to attempt a new event at once. When every slot and the queue behind them are taken, the event
   * is journaled unclaimed instead, and the poller picks it up as soon as there is room.
   */
  public synchronized boolean tryReserve(int bodyBytes) {
    boolean room = inFlight + queue.size() + reserved < 2 * options.concurrency()
        && (buffered == 0 || buffered + bodyBytes <= options.memoryBudget());
    if (running && room) {
      reserved++;
      buffered += bodyBytes;
      return true;
    }
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
      queue.add(new Work(item, route));
    }
    vertx.runOnContext(v -> pump());
  }

  /**
   * Attempts a claimed event now and returns the destination's whole answer (passthrough mode): the
   * application is waiting, so this does not queue behind background work.
   */
  public Uni<Forwarded> forward(DeliveryItem item, ResolvedRoute route, int bodyLimit) {
    synchronized (this) {
      reserved--;
      inFlight++;
    }
    return runner.attempt(item, route, item.url(), route.policy().timeout(), null, bodyLimit)
        .map(result -> new Forwarded(result, finish(item, route, result)))
        .eventually(() -> attemptEnded(item));
  }

  private void pump() {
    while (true) {
      Work work;
      synchronized (this) {
        if (!running || inFlight >= options.concurrency() || uncommitted >= OUTCOMES_PENDING_MAX
            || queue.isEmpty()) {
          return;
        }
        work = queue.poll();
        inFlight++;
      }
      ResolvedRoute route = current(work.route());
      runner.attempt(work.item(), route, work.item().url(), route.policy().timeout(), null,
              options.responseBodyLimit())
          .subscribe().with(
              result -> {
                finish(work.item(), route, result);
                attemptEnded(work.item());
              },
              failure -> {
                // AttemptRunner turns every transport failure into an outcome; reaching here is a defect.
                LOG.errorf(failure, "Attempt of event %s failed unexpectedly; its lease will expire and it will"
                    + " be retried", work.item().id());
                attemptEnded(work.item());
              });
    }
  }

  private void attemptEnded(DeliveryItem item) {
    synchronized (this) {
      inFlight--;
      buffered -= item.body().length;
    }
    pump();
    wake(Duration.ZERO);
  }

  /** Decides with the newest version of the route (a policy edit applies to events already in flight). */
  private ResolvedRoute current(ResolvedRoute snapshot) {
    ResolvedRoute now = routes.get(snapshot.name());
    return now != null ? now : snapshot;
  }

  private RetryDecision finish(DeliveryItem item, ResolvedRoute route, AttemptResult result) {
    ResolvedPolicy policy = current(route).policy();
    RetryDecision decision = RetryDecider.decide(policy, item.attempt(), result.outcome(), item.receivedAt(),
        clock.instant(), () -> ThreadLocalRandom.current().nextDouble());
    String trigger = item.attempt() == 1 ? AttemptRecord.INITIAL : AttemptRecord.RETRY;
    AttemptRecord attempt = runner.record(item, result, trigger, null, null, options.worker(), item.url());
    if (decision.kind() == RetryDecision.Kind.DEAD && decision.reason() != null && attempt.error() == null) {
      attempt = new AttemptRecord(attempt.eventId(), attempt.number(), attempt.trigger(), null, null,
          attempt.worker(), attempt.destination(), attempt.startedAt(), attempt.durationMs(),
          attempt.statusCode(), attempt.errorClass(), decision.reason(), attempt.outcome(),
          attempt.responseHeaders(), attempt.responseBody());
    }
    metrics.attempt(item.route(), trigger, attempt.outcome(), result.durationMs());
    EventState state = switch (decision.kind()) {
      case DELIVERED -> EventState.DELIVERED;
      case RETRY -> EventState.FAILED;
      case DEAD -> EventState.DEAD;
    };
    switch (state) {
      case DELIVERED -> metrics.delivered(item.route());
      case FAILED -> metrics.failed(item.route());
      default -> metrics.dead(item.route());
    }
    record(new OutcomeWrite(attempt, item.leaseToken(), state, decision.delay()));
    if (decision.kind() == RetryDecision.Kind.RETRY) {
      wake(decision.delay());
    }
    return decision;
  }

  private void record(OutcomeWrite write) {
    synchronized (this) {
      uncommitted++;
    }
    submit(write);
  }

  private void submit(OutcomeWrite write) {
    outcomes.submit(write).subscribe().with(
        changed -> {
          synchronized (this) {
            uncommitted--;
          }
          pump();
        },
        failure -> {
          LOG.warnf("Could not journal the outcome of attempt %d of event %s (%s); will try again",
              write.attempt().number(), write.attempt().eventId(), failure.getMessage());
          keepForLater(write);
        });
  }

  private void keepForLater(OutcomeWrite write) {
    synchronized (this) {
      if (unrecorded.size() >= MAX_UNRECORDED) {
        // Dropping an outcome is safe: the event's lease runs out and it is delivered again, same id.
        unrecorded.poll();
        uncommitted--;
        metrics.unrecorded();
      }
      unrecorded.add(write);
      if (retryTimer != -1) {
        return;
      }
      retryTimer = vertx.setTimer(1000, id -> {
        List<OutcomeWrite> again;
        synchronized (this) {
          retryTimer = -1;
          again = List.copyOf(unrecorded);
          unrecorded.clear();
        }
        again.forEach(this::submit);
      });
    }
  }

  /** Polls within {@code delay} (sooner if already scheduled sooner). */
  private void wake(Duration delay) {
    if (running) {
      pollWakeUp.within(delay);
    }
  }

  private void poll() {
    int room;
    long bytesLeft;
    synchronized (this) {
      if (!running || polling) {
        return;
      }
      room = 2 * options.concurrency() - inFlight - queue.size() - reserved;
      bytesLeft = options.memoryBudget() - buffered;
      if (room <= 0 || (buffered > 0 && bytesLeft <= 0)) {
        return; // attemptEnded() wakes us when a slot frees up
      }
      polling = true;
    }
    List<String> served = routes.names();
    int limit = Math.min(room, CLAIM_BATCH);
    // With nothing buffered, the store's "first event always" rule lets one event larger than the budget through.
    store.claimDue(options.worker(), namespace, served, limit, lease(), Math.max(0, bytesLeft), options.overdueBy())
        .subscribe().with(
        claimed -> {
          synchronized (this) {
            polling = false;
            for (StoredEvent event : claimed) {
              ResolvedRoute route = routes.get(event.route());
              if (route != null) {
                queue.add(new Work(DeliveryItem.of(event), route));
                buffered += event.body().length;
              }
            }
          }
          pump();
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

  /** Attempts running or waiting for a slot. */
  public synchronized int backlog() {
    return inFlight + queue.size();
  }

  /** Body bytes held in memory for delivery right now (bounded by the memory budget, but for one event). */
  public synchronized long bufferedBytes() {
    return buffered;
  }

  /**
   * Stops taking work, lets running attempts finish (up to {@code grace}), and hands unstarted events back to the
   * store so another worker can take them at once.
   */
  public Uni<Void> stop(Duration grace) {
    synchronized (this) {
      running = false;
      pollWakeUp.cancel();
      queue.forEach(w -> buffered -= w.item().body().length);
      queue.clear();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    return Uni.createFrom().emitter(emitter -> {
      long[] timer = new long[1];
      timer[0] = vertx.setPeriodic(20, id -> {
        boolean idle;
        synchronized (this) {
          idle = inFlight == 0;
        }
        if (idle || System.nanoTime() - deadline > 0) {
          vertx.cancelTimer(timer[0]);
          emitter.complete(null);
        }
      });
    }).chain(() -> store.releaseLeasesOf(options.worker())).replaceWithVoid();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(10));
  }
}
