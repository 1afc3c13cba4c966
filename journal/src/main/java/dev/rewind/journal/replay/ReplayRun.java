package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.journal.batch.GroupCommit;
import dev.rewind.journal.batch.WakeUp;
import dev.rewind.journal.delivery.AttemptResult;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryItem;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.retry.RetryDecider;
import dev.rewind.journal.retry.RetryDecision;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.AttemptRecord;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * One Running replay executing in this process: claims due items in batches, starts attempts within the replay's
 * concurrency and rate limit, and journals outcomes in group commits. Never blocks a thread: it runs on Vert.x
 * timers and the store's and HTTP client's callbacks.
 *
 * <p>Claimed items wait in a local queue of at most {@link #depth} items for a slot and a token. The queue is
 * refilled when it is half empty, so claims stay batched (one statement for many items) without claiming far more
 * than can start soon; the lease covers the attempt plus the longest wait in that queue.
 *
 * <p>It ends when the replay ends (completed here, or cancelled or completed by another process) once its attempts
 * in flight are recorded, or when {@link #stop} is called; {@link #done()} completes then.
 */
final class ReplayRun {

  private static final Logger LOG = Logger.getLogger(ReplayRun.class);
  private static final int MAX_UNRECORDED = 100_000;

  private final Vertx vertx;
  private final ReplayStore store;
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
  private final GroupCommit<ReplayOutcome, Integer> outcomes;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private final ArrayDeque<ClaimedItem> queue = new ArrayDeque<>();
  private final ArrayDeque<ReplayOutcome> unrecorded = new ArrayDeque<>();
  private int inFlight;
  /** Outcomes handed to the group commit and not yet committed, at most: two full batches. */
  static final int OUTCOMES_PENDING_MAX = 1024;

  private int recording;
  private int releasing;
  private boolean claiming = true;
  private boolean polling;
  private boolean checking;
  private boolean completing;
  private final WakeUp pollWakeUp;
  private long pumpTimer = -1;
  private long retryTimer = -1;

  ReplayRun(Vertx vertx, ReplayStore store, AttemptRunner attempts, DeliveryMetrics metrics, ReplayOptions options,
      Clock clock, ReplayRecord replay, ReplayPlan plan) {
    this.vertx = vertx;
    this.pollWakeUp = new WakeUp(vertx, this::poll);
    this.store = store;
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
    this.outcomes = new GroupCommit<>(batch -> store.recordOutcomes(id, name, namespace, batch)
        .map(n -> batch.stream().map(w -> n).toList()), 512, 2);
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
   * The claim lease: the attempt's own (twice the timeout plus slack), plus the longest an item can wait in the
   * local queue behind the others (every slot busy for a whole timeout per round) and for its token.
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
      if (queue.size() > depth / 2) {
        return; // attemptEnded() wakes us as the queue drains
      }
      limit = depth - queue.size();
      polling = true;
    }
    store.claim(id, namespace, options.worker(), limit, lease).subscribe().with(
        claimed -> {
          List<ClaimedItem> giveBack = List.of();
          synchronized (this) {
            polling = false;
            if (claiming) {
              queue.addAll(claimed);
            } else if (!claimed.isEmpty()) {
              giveBack = claimed;
              releasing++;
            }
          }
          release(giveBack);
          finishIfStoppedAndIdle();
          pump();
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
            if (idle() && startCompleting()) {
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

  // ---- attempting

  private void pump() {
    while (true) {
      ClaimedItem item;
      synchronized (this) {
        // Outcomes waiting for their commit count too: at most `concurrency` attempts under way plus
        // OUTCOMES_PENDING_MAX sent but not yet journaled, so a process killed at any moment sends at most that
        // many events again. The bound is two full group commits: outcomes still commit in large, cheap batches.
        if (inFlight >= plan.concurrency() || recording >= OUTCOMES_PENDING_MAX || queue.isEmpty()) {
          return;
        }
        if (bucket != null && !bucket.tryAcquire()) {
          if (pumpTimer == -1) {
            long delayMs = Math.max(1, bucket.nanosUntilAvailable() / 1_000_000);
            pumpTimer = vertx.setTimer(delayMs, t -> {
              synchronized (this) {
                pumpTimer = -1;
              }
              pump();
              wake(Duration.ZERO);
            });
          }
          return;
        }
        item = queue.poll();
        inFlight++;
      }
      attempt(item);
    }
  }

  private void attempt(ClaimedItem claimed) {
    DeliveryItem item = claimed.delivery();
    ResolvedRoute route = plan.route(item.route());
    ResolvedPolicy policy = plan.policy(item.route());
    String destination = plan.destination(item.route(), item.url(), item.pathSuffix());
    attempts.attempt(item, route, destination, policy.timeout(), name, options.responseBodyLimit())
        .subscribe().with(
            result -> {
              record(outcome(claimed, item, policy, destination, result));
              attemptEnded();
            },
            failure -> {
              // AttemptRunner turns every transport failure into an outcome; reaching here is a defect. The
              // item's lease runs out and it is attempted again.
              LOG.errorf(failure, "Replay %s/%s: attempt of event %s failed unexpectedly", namespace, name,
                  item.id());
              attemptEnded();
            });
  }

  private ReplayOutcome outcome(ClaimedItem claimed, DeliveryItem item, ResolvedPolicy policy, String destination,
      AttemptResult result) {
    // maxAge counts from the start of the replay: the events are old by definition, and the policy bounds how
    // long the replay keeps trying, not how old an event may be.
    RetryDecision decision = RetryDecider.decide(policy, claimed.itemAttempts(), result.outcome(), startedAt,
        clock.instant(), () -> ThreadLocalRandom.current().nextDouble());
    AttemptRecord attempt = attempts.record(item, result, AttemptRecord.REPLAY, id, name, options.worker(),
        destination);
    if (decision.kind() == RetryDecision.Kind.DEAD && decision.reason() != null && attempt.error() == null) {
      attempt = new AttemptRecord(attempt.eventId(), attempt.number(), attempt.trigger(), attempt.replayId(),
          attempt.replayName(), attempt.worker(), attempt.destination(), attempt.startedAt(), attempt.durationMs(),
          attempt.statusCode(), attempt.errorClass(), decision.reason(), attempt.outcome(),
          attempt.responseHeaders(), attempt.responseBody());
    }
    metrics.attempt(item.route(), AttemptRecord.REPLAY, attempt.outcome(), result.durationMs());
    EventState state = switch (decision.kind()) {
      case DELIVERED -> EventState.DELIVERED;
      case RETRY -> EventState.FAILED;
      case DEAD -> EventState.DEAD;
    };
    return new ReplayOutcome(attempt, item.leaseToken(), state, decision.delay());
  }

  private void attemptEnded() {
    synchronized (this) {
      inFlight--;
    }
    pump();
    wake(Duration.ZERO);
    finishIfStoppedAndIdle();
  }

  // ---- recording

  private void record(ReplayOutcome outcome) {
    synchronized (this) {
      recording++;
    }
    submit(outcome);
  }

  private void submit(ReplayOutcome outcome) {
    outcomes.submit(outcome).subscribe().with(
        changed -> {
          synchronized (this) {
            recording--;
          }
          pump();
          wake(outcome.newState() == EventState.FAILED ? outcome.retryDelay() : Duration.ZERO);
          finishIfStoppedAndIdle();
        },
        failure -> {
          LOG.warnf("Replay %s/%s: could not journal attempt %d of event %s (%s); will try again", namespace, name,
              outcome.attempt().number(), outcome.attempt().eventId(), failure.getMessage());
          keepForLater(outcome);
        });
  }

  private void keepForLater(ReplayOutcome outcome) {
    synchronized (this) {
      if (unrecorded.size() >= MAX_UNRECORDED) {
        // Dropping an outcome is safe: the item's lease runs out and it is attempted again, same event id.
        unrecorded.poll();
        recording--;
      }
      unrecorded.add(outcome);
      if (retryTimer != -1) {
        return;
      }
      retryTimer = vertx.setTimer(1000, t -> {
        List<ReplayOutcome> again;
        synchronized (this) {
          retryTimer = -1;
          again = new ArrayList<>(unrecorded);
          unrecorded.clear();
        }
        again.forEach(this::submit);
      });
    }
  }

  // ---- scheduling and stopping

  private synchronized boolean idle() {
    return inFlight == 0 && queue.isEmpty() && recording == 0;
  }

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
      if (pumpTimer != -1) {
        vertx.cancelTimer(pumpTimer);
        pumpTimer = -1;
      }
      giveBack = new ArrayList<>(queue);
      queue.clear();
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
    store.release(id, items).subscribe().with(
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
      finished = !claiming && !polling && inFlight == 0 && recording == 0 && releasing == 0;
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
