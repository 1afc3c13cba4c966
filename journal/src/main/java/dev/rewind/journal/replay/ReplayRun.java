package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.journal.batch.WakeUp;
import dev.rewind.journal.delivery.AttemptPipeline;
import dev.rewind.journal.delivery.AttemptResult;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryItem;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.retry.RetryDecider;
import dev.rewind.journal.retry.RetryDecision;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.OutcomeWrite;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One Running replay executing in this process: claims due items in batches and hands them to the shared
 * {@link AttemptPipeline} (the replay's concurrency, its rate limit, outcomes journaled in group commits), so a
 * replay attempt ends recorded and returns its slot whatever happens during it, exactly as a live one does. Never
 * blocks a thread: it runs on Vert.x timers and the store's and HTTP client's callbacks.
 *
 * <p>Claimed items wait in the pipeline's queue, at most {@link #depth} of them, for a slot and a token. The queue
 * is refilled when it is half empty, so claims stay batched (one statement for many items) without claiming far
 * more than can start soon; the lease covers the attempt plus the longest wait in that queue.
 *
 * <p>It ends when the replay ends (completed here, or cancelled or completed by another process) once its attempts
 * in flight are recorded, or when {@link #stop} is called; {@link #done()} completes then.
 */
final class ReplayRun {

  private static final Logger LOG = Logger.getLogger(ReplayRun.class);

  /** Outcomes handed to the group commit and not yet committed, at most: two full batches. */
  static final int OUTCOMES_PENDING_MAX = 1024;

  private final Vertx vertx;
  private final ReplayStore store;
  private final ReplayClaims claims;
  private final AttemptRunner attempts;
  private final DeliveryMetrics metrics;
  private final ReplayOptions options;
  private final Clock clock;
  private final UUID id;
  private final String namespace;
  private final String name;
  private final ReplayPlan plan;
  private final Instant startedAt;
  private final TokenBucket bucket;
  private final int depth;
  private final Duration lease;
  private final AttemptPipeline<ClaimedItem, OutcomeWrite> pipeline;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private int releasing;
  private volatile boolean claiming = true;
  private boolean polling;
  private boolean checking;
  private boolean completing;
  private final WakeUp pollWakeUp;
  /**
   * The timer that pumps again when the next token is due, or -1. Atomic rather than guarded by this run's lock:
   * it is set from {@code mayStart}, which the pipeline calls under its own lock, and this run takes its lock
   * before the pipeline's elsewhere; taking them in both orders could deadlock.
   */
  private final AtomicLong pumpTimer = new AtomicLong(-1);

  ReplayRun(Vertx vertx, ReplayStore store, ReplayClaims claims, AttemptRunner attempts, DeliveryMetrics metrics,
      ReplayOptions options, Clock clock, ReplayRecord replay, ReplayPlan plan) {
    this.vertx = vertx;
    this.pollWakeUp = new WakeUp(vertx, this::poll);
    this.store = store;
    this.claims = claims;
    this.attempts = attempts;
    this.metrics = metrics;
    this.options = options;
    this.clock = clock;
    this.id = replay.id();
    this.namespace = replay.namespace();
    this.name = replay.name();
    this.plan = plan;
    this.startedAt = replay.startedAt() != null ? replay.startedAt() : clock.instant();
    this.bucket = plan.rateLimit() == 0 ? null : TokenBucket.forRate(plan.rateLimit(), System::nanoTime);
    this.depth = depth(plan, options.claimBatch());
    this.lease = lease(options, plan, depth);
    this.pipeline = new AttemptPipeline<>(vertx, new ReplayLane(), plan.concurrency(), OUTCOMES_PENDING_MAX,
        metrics, System::nanoTime);
  }

  void start() {
    LOG.infof("Replay %s/%s: running (concurrency %d, rate limit %s)", namespace, name, plan.concurrency(),
        plan.rateLimit() == 0 ? "none" : plan.rateLimit() + "/s");
    wake(Duration.ZERO);
  }

  /**
   * How many claimed items may wait locally: enough to keep every slot busy between claims, at most a second's
   * worth of the rate limit (a claimed item should not wait long for its token), at most one claim batch.
   */
  static int depth(ReplayPlan plan, int claimBatch) {
    int depth = Math.min(claimBatch, 4 * plan.concurrency());
    if (plan.rateLimit() > 0) {
      depth = Math.min(depth, plan.rateLimit());
    }
    return Math.max(1, depth);
  }

  /**
   * The claim lease: the attempt's own (past its hard deadline, with time to commit), plus how long an item
   * waits in the local queue behind the others (every slot busy for a whole timeout per round) and for its token.
   * An item that waits longer still (every attempt ahead of it running to its hard deadline) may be claimed by
   * another runner meanwhile: the outcome of whichever attempt loses the lease is recorded and fenced off.
   */
  static Duration lease(ReplayOptions options, ReplayPlan plan, int depth) {
    Duration timeout = plan.longestTimeout();
    long rounds = (depth + plan.concurrency() - 1) / plan.concurrency();
    Duration lease = options.leaseFor(timeout).plus(timeout.multipliedBy(rounds));
    if (plan.rateLimit() > 0) {
      lease = lease.plusMillis(1000L * depth / plan.rateLimit() + 1);
    }
    return lease;
  }

  /** Completes when this run has nothing more to do: the replay ended, or the run was stopped. */
  CompletableFuture<Void> done() {
    return done;
  }

  // ---- claiming

  private void poll() {
    int limit;
    synchronized (this) {
      if (!claiming || polling) {
        return;
      }
      if (pipeline.queued() > depth / 2) {
        return; // an ended attempt wakes us as the queue drains
      }
      limit = depth - pipeline.queued();
      polling = true;
    }
    String override = plan.overrideDestination();
    claims.claim(id, name, namespace, options.worker(), limit, lease, override).subscribe().with(
        claimed -> {
          boolean keep;
          synchronized (this) {
            polling = false;
            keep = claiming;
            if (!keep && !claimed.isEmpty()) {
              releasing++;
            }
          }
          if (keep) {
            pipeline.enqueueAll(claimed);
          } else {
            release(claimed);
          }
          finishIfStoppedAndIdle();
          if (claimed.size() == limit) {
            wake(Duration.ZERO);
          } else {
            check();
          }
        },
        failure -> {
          synchronized (this) {
            polling = false;
          }
          finishIfStoppedAndIdle();
          LOG.warnf("Replay %s/%s: claiming failed (%s); trying again", namespace, name, failure.getMessage());
          wake(options.pollInterval().multipliedBy(4));
        });
  }

  /**
   * Nothing was due: find out whether the replay is over, was cancelled or completed elsewhere, or when the next
   * item (a retry, or an item whose runner died) falls due.
   */
  private void check() {
    synchronized (this) {
      if (checking) {
        return;
      }
      checking = true;
    }
    store.progress(id).subscribe().with(
        progress -> {
          synchronized (this) {
            checking = false;
            if (!claiming || completing) {
              return; // stopped, ended, or being completed by an earlier check meanwhile
            }
          }
          ReplayRecord replay = progress.replay();
          if (replay.phase() != ReplayPhase.Running) {
            LOG.infof("Replay %s/%s: %s; finishing the attempts under way", namespace, name, replay.phase());
            stopClaiming();
            return;
          }
          if (!progress.open()) {
            if (pipeline.idle() && startCompleting()) {
              complete(replay);
            }
            return; // the last outcome write wakes us
          }
          Duration next = progress.nextDue() == null ? options.pollInterval() : progress.nextDue();
          wake(next.compareTo(options.pollInterval()) > 0 ? options.pollInterval()
              : next.isNegative() ? Duration.ZERO : next);
        },
        failure -> {
          synchronized (this) {
            checking = false;
          }
          LOG.warnf("Replay %s/%s: reading progress failed (%s); trying again", namespace, name,
              failure.getMessage());
          wake(options.pollInterval().multipliedBy(4));
        });
  }

  private synchronized boolean startCompleting() {
    if (completing) {
      return false;
    }
    completing = true;
    return true;
  }

  private void complete(ReplayRecord seen) {
    store.complete(seen).subscribe().with(
        replay -> {
          if (replay.phase().isTerminal()) {
            LOG.infof("Replay %s/%s: %s (matched %d, delivered %d, failed %d)", namespace, name, replay.phase(),
                replay.matched(), replay.delivered(), replay.failed());
            stopClaiming();
          }
          synchronized (this) {
            completing = false;
          }
          if (!replay.phase().isTerminal()) {
            wake(options.pollInterval());
          }
        },
        failure -> {
          synchronized (this) {
            completing = false;
          }
          LOG.warnf("Replay %s/%s: recording its end failed (%s); trying again", namespace, name,
              failure.getMessage());
          wake(options.pollInterval().multipliedBy(4));
        });
  }

  // ---- attempting: the replay's part of the shared pipeline

  private final class ReplayLane implements AttemptPipeline.Lane<ClaimedItem, OutcomeWrite> {

    @Override
    public boolean mayStart() {
      if (bucket == null || bucket.tryAcquire()) {
        return true;
      }
      if (claiming && pumpTimer.compareAndSet(-1, 0)) {
        long delayMs = Math.max(1, bucket.nanosUntilAvailable() / 1_000_000);
        pumpTimer.set(vertx.setTimer(delayMs, t -> {
          pumpTimer.set(-1);
          pipeline.pump();
          wake(Duration.ZERO);
        }));
      }
      return false;
    }

    @Override
    public Uni<AttemptResult> attempt(ClaimedItem claimed) {
      DeliveryItem item = claimed.delivery();
      return attempts.attempt(item, plan.route(item.route()), destination(item), plan.kafka(item.route()),
          plan.policy(item.route()).timeout(), name, options.responseBodyLimit());
    }

    @Override
    public Duration deadline(ClaimedItem claimed) {
      return options.attemptDeadline(plan.policy(claimed.delivery().route()).timeout());
    }

    @Override
    public OutcomeWrite skip(ClaimedItem claimed) {
      DeliveryItem item = claimed.delivery();
      if (!item.afterInterruption() || claimed.itemAttempts() <= plan.policy(item.route()).maxAttempts()) {
        return null;
      }
      // Earlier attempts of this replay, interrupted ones included, already used up its policy.
      return new OutcomeWrite(item.id(), item.attempt(), null, item.leaseToken(), EventState.DEAD, null);
    }

    @Override
    public OutcomeWrite outcome(ClaimedItem claimed, AttemptResult result) {
      DeliveryItem item = claimed.delivery();
      // maxAge counts from the start of the replay: the events are old by definition, and the policy bounds how
      // long the replay keeps trying, not how old an event may be.
      RetryDecision decision = RetryDecider.decide(plan.policy(item.route()), claimed.itemAttempts(),
          result.outcome(), startedAt, clock.instant(), () -> ThreadLocalRandom.current().nextDouble());
      AttemptRecord attempt = attempts.record(item, result, AttemptRecord.REPLAY, id, name, options.worker(),
          destination(item), decision);
      metrics.attempt(item.route(), AttemptRecord.REPLAY, attempt.outcome(), result.durationMs());
      return new OutcomeWrite(attempt, item.leaseToken(), decision.state(), decision.delay());
    }

    @Override
    public Uni<?> write(List<OutcomeWrite> batch) {
      return claims.recordOutcomes(id, name, namespace, batch);
    }

    @Override
    public void ended(ClaimedItem claimed) {
      wake(Duration.ZERO);
      finishIfStoppedAndIdle();
    }

    @Override
    public void committed(OutcomeWrite outcome) {
      wake(outcome.newState() == EventState.FAILED ? outcome.retryDelay() : Duration.ZERO);
      finishIfStoppedAndIdle();
    }

    @Override
    public String describe(ClaimedItem claimed) {
      return "event " + claimed.delivery().id() + " (replay " + namespace + "/" + name + ")";
    }

    @Override
    public String describeWrite(OutcomeWrite outcome) {
      return (outcome.attempt() == null ? "the end" : "attempt " + outcome.number()) + " of event "
          + outcome.eventId() + " (replay " + namespace + "/" + name + ")";
    }
  }

  /**
   * Where the item goes. A route destination that cannot be combined with the captured URL falls back to the
   * captured URL rather than throw: the attempt must still be made and recorded (and the address policy and URL
   * checks still apply to it).
   */
  private String destination(DeliveryItem item) {
    try {
      return plan.destination(item.route(), item.url(), item.pathSuffix());
    } catch (RuntimeException e) {
      LOG.warnf("Replay %s/%s: the destination of event %s could not be worked out (%s); using its captured URL",
          namespace, name, item.id(), e.getMessage());
      return item.url();
    }
  }

  // ---- scheduling and stopping

  /** Polls within {@code delay} (sooner if already scheduled sooner). */
  private void wake(Duration delay) {
    synchronized (this) {
      if (!claiming) {
        return;
      }
    }
    pollWakeUp.within(delay);
  }

  /**
   * Claims nothing more and gives back the items claimed but not started; attempts in flight finish and are
   * recorded, then {@link #done()} completes.
   */
  void stopClaiming() {
    List<ClaimedItem> giveBack;
    synchronized (this) {
      claiming = false;
      pollWakeUp.cancel();
      long timer = pumpTimer.getAndSet(-1);
      if (timer > 0) {
        vertx.cancelTimer(timer);
      }
      giveBack = pipeline.stop();
      if (!giveBack.isEmpty()) {
        releasing++;
      }
    }
    release(giveBack);
    finishIfStoppedAndIdle();
  }

  /** Gives back claimed items; the caller counted the release in {@code releasing} under the lock. */
  private void release(List<ClaimedItem> items) {
    if (items.isEmpty()) {
      return;
    }
    claims.release(id, items).subscribe().with(
        n -> {
          LOG.debugf("Replay %s/%s: gave back %d unstarted items", namespace, name, n);
          released();
        },
        failure -> {
          LOG.warnf("Replay %s/%s: could not give back %d unstarted items (%s); they are attempted again when"
              + " their lease runs out", namespace, name, items.size(), failure.getMessage());
          released();
        });
  }

  private void released() {
    synchronized (this) {
      releasing--;
    }
    finishIfStoppedAndIdle();
  }

  private void finishIfStoppedAndIdle() {
    boolean finished;
    synchronized (this) {
      finished = !claiming && !polling && releasing == 0 && pipeline.inFlight() == 0
          && pipeline.recording() == 0;
    }
    if (finished) {
      done.complete(null);
    }
  }

  /**
   * Stops this run: claims nothing more, gives back unstarted items, and lets attempts in flight finish and be
   * recorded, for up to {@code grace}. The replay stays Running in the store; starting it again resumes it.
   */
  Uni<Void> stop(Duration grace) {
    stopClaiming();
    return Uni.createFrom().completionStage(done)
        .ifNoItem().after(grace).recoverWithItem(() -> {
          LOG.warnf("Replay %s/%s: stopped with attempts still under way; their items are attempted again when"
              + " their lease runs out", namespace, name);
          return null;
        })
        .replaceWithVoid();
  }
}
