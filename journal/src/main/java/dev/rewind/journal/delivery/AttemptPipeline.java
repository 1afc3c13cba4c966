package dev.rewind.journal.delivery;

import dev.rewind.journal.batch.GroupCommit;
import dev.rewind.journal.retry.ErrorClass;
import dev.rewind.journal.retry.Outcome;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The one path every attempt takes, whether live delivery, the operator's takeover or a replay makes it:
 *
 * <pre>
 *   claimed job ──► queue ──► slot (≤ concurrency) ──► attempt (hard deadline) ──► decide ──► group commit
 *                                  ▲                                                            │
 *                                  └────────────── slot returned when the attempt ends ─────────┘
 * </pre>
 *
 * <p>The invariant it enforces by construction: every job that takes a slot gives it back, and every attempt
 * becomes a journal write. The attempt is started from a deferred supplier, so a synchronous throw becomes a
 * failure; a failure, or an attempt that overruns its hard deadline, becomes an attempt with error class
 * {@code internal} and is decided like any other outcome (the policy cannot retry it, so the event ends dead,
 * visible and replayable, instead of leased for ever). Nothing on this path waits for anything unbounded.
 *
 * <p>Outcomes ride in group commits. A batch the store refuses (or that cannot be encoded) is split: each write is
 * tried alone, so one write the store will never accept (a poison row) cannot hold back the others; a write refused alone
 * {@value #MAX_REFUSALS} times is dropped, counted and logged as an error, and its job's lease runs out, so it is
 * claimed again and the interruption is recorded. A store that cannot be reached is retried every second, keeping
 * at most {@value #MAX_UNRECORDED} writes.
 *
 * <p>While writes wait for their commit, at most {@code maxRecording} of them, new attempts wait: a process
 * killed at any moment has sent at most that many attempts beyond what its journal shows as finished.
 *
 * @param <J> a claimed job
 * @param <W> the journal write its outcome becomes
 */
public final class AttemptPipeline<J, W> {

  private static final Logger LOG = Logger.getLogger(AttemptPipeline.class);
  static final int MAX_UNRECORDED = 100_000;
  static final int MAX_REFUSALS = 3;

  /** What the pipeline needs from its user: how to attempt a job, and how its outcome is decided and written. */
  public interface Lane<J, W> {

    /** Sends the attempt. It may fail or throw: the pipeline records that as an internal error. */
    Uni<AttemptResult> attempt(J job);

    /** The longest one attempt of this job may run before it is recorded as an internal error. */
    Duration deadline(J job);

    /**
     * A write that finishes the job without attempting it, or null to attempt it: for a job whose earlier
     * attempt was interrupted and already used up its policy.
     */
    default W skip(J job) {
      return null;
    }

    /** Decides what the result means for the job (delivered, retry, dead) and builds its journal write. */
    W outcome(J job, AttemptResult result);

    /** Journals a batch of writes in one durable commit. */
    Uni<?> write(List<W> batch);

    /** After an attempt ended and its slot is free (outside any lock): release what the job held, say. */
    default void ended(J job) {}

    /** After a write committed (outside any lock): schedule the next poll, say. */
    default void committed(W write) {}

    /** Whether another attempt may start now; a lane that says no calls {@link #pump} when it may. */
    default boolean mayStart() {
      return true;
    }

    /** The job, for log lines: "event 0190..." */
    String describe(J job);

    /** The job's write, for log lines. */
    String describeWrite(W write);
  }

  /** What one attempt made of a job: the result, and the write that records it. */
  public record Finished<W>(AttemptResult result, W write) {}

  private final Vertx vertx;
  private final Lane<J, W> lane;
  private final int concurrency;
  private final int maxRecording;
  private final DeliveryMetrics metrics;
  private final LongSupplier nanos;
  private final GroupCommit<W, Object> commits;

  private final ArrayDeque<J> queue = new ArrayDeque<>();
  private final ArrayDeque<W> unrecorded = new ArrayDeque<>();
  private int inFlight;
  private int recording;
  private long retryTimer = -1;
  private boolean running = true;
  /** When the pipeline last made progress (an attempt ended or a write committed), or went idle. */
  private long progressNanos;

  /**
   * @param maxRecording most writes waiting for their commit before new attempts wait
   */
  public AttemptPipeline(Vertx vertx, Lane<J, W> lane, int concurrency, int maxRecording, DeliveryMetrics metrics,
      LongSupplier nanos) {
    this.vertx = vertx;
    this.lane = lane;
    this.concurrency = concurrency;
    this.maxRecording = maxRecording;
    this.metrics = metrics;
    this.nanos = nanos;
    this.progressNanos = nanos.getAsLong();
    this.commits = new GroupCommit<>(batch -> lane.write(batch).map(done -> {
      List<Object> results = new ArrayList<>(batch.size());
      batch.forEach(w -> results.add(Boolean.TRUE));
      return results;
    }), 512, 2);
  }

  /** Queues a claimed job; it starts as soon as a slot is free. */
  public void enqueue(J job) {
    synchronized (this) {
      wakeFromIdle();
      queue.add(job);
    }
    pump();
  }

  public void enqueueAll(List<J> jobs) {
    synchronized (this) {
      wakeFromIdle();
      queue.addAll(jobs);
    }
    pump();
  }

  /**
   * Attempts a job now, past the queue and the concurrency bound (a passthrough sender is waiting for this
   * answer), and returns the result with its write once the write is handed to the group commit.
   */
  public Uni<Finished<W>> attemptNow(J job) {
    synchronized (this) {
      wakeFromIdle();
      inFlight++;
    }
    return run(job);
  }

  /** Starts queued jobs while there are free slots, room for their outcomes and the lane allows. */
  public void pump() {
    while (true) {
      J job;
      synchronized (this) {
        if (!running || inFlight >= concurrency || recording >= maxRecording || queue.isEmpty()) {
          return;
        }
        if (!lane.mayStart()) {
          return;
        }
        job = queue.poll();
        inFlight++;
      }
      run(job).subscribe().with(finished -> {}, failure -> LOG.errorf(failure,
          "Recording the attempt of %s failed", lane.describe(job)));
    }
  }

  /** Work arriving after a quiet spell: the stall clock starts now, not when the pipeline last moved. */
  private void wakeFromIdle() {
    if (idle()) {
      progressNanos = nanos.getAsLong();
    }
  }

  private Uni<Finished<W>> run(J job) {
    W skipped;
    try {
      skipped = lane.skip(job);
    } catch (RuntimeException e) {
      LOG.errorf(e, "Deciding whether to attempt %s failed; attempting it", lane.describe(job));
      skipped = null;
    }
    if (skipped != null) {
      ended(job);
      record(skipped);
      return Uni.createFrom().item(new Finished<>(null, skipped));
    }
    Duration deadline = lane.deadline(job);
    Instant startedAt = Instant.now();
    long t0 = nanos.getAsLong();
    return Uni.createFrom().deferred(() -> lane.attempt(job))
        .ifNoItem().after(deadline).failWith(() -> new TimeoutException("the attempt did not finish within its"
            + " hard deadline of " + deadline.toMillis() + " ms"))
        .onFailure().recoverWithItem(failure -> {
          LOG.errorf(failure, "Attempt of %s failed inside Rewind; recording it as an internal error",
              lane.describe(job));
          metrics.internalError();
          return new AttemptResult(startedAt, (nanos.getAsLong() - t0) / 1_000_000.0,
              Outcome.failure(ErrorClass.INTERNAL), "internal error: " + AttemptRunner.describe(failure), null,
              null);
        })
        .map(result -> {
          W write;
          try {
            write = decide(job, result);
          } finally {
            ended(job);
          }
          record(write);
          return new Finished<>(result, write);
        });
  }

  /** The lane's decision; if deciding itself fails, the attempt is decided again as an internal error. */
  private W decide(J job, AttemptResult result) {
    try {
      return lane.outcome(job, result);
    } catch (RuntimeException e) {
      LOG.errorf(e, "Deciding the outcome of %s failed; recording it as an internal error", lane.describe(job));
      metrics.internalError();
      return lane.outcome(job, new AttemptResult(result.startedAt(), result.durationMs(),
          Outcome.failure(ErrorClass.INTERNAL), "internal error while deciding the outcome: "
              + AttemptRunner.describe(e), null, null));
    }
  }

  private void ended(J job) {
    synchronized (this) {
      inFlight--;
      progressNanos = nanos.getAsLong();
    }
    try {
      lane.ended(job);
    } catch (RuntimeException e) {
      LOG.errorf(e, "After the attempt of %s", lane.describe(job));
    }
    pump();
  }

  private void record(W write) {
    synchronized (this) {
      recording++;
    }
    submit(write);
  }

  private void submit(W write) {
    commits.submit(write).subscribe().with(
        done -> committed(write),
        failure -> {
          if (refused(failure)) {
            // The store answered and refused, or the batch could not be encoded: find out which write it is.
            LOG.warnf("The store refused a batch of attempt outcomes (%s); writing them one by one",
                failure.getMessage());
            writeAlone(write, 1);
          } else {
            LOG.warnf("Could not journal %s (%s); will try again", lane.describeWrite(write),
                failure.getMessage());
            keepForLater(write);
          }
        });
  }

  private void writeAlone(W write, int tries) {
    Uni.createFrom().deferred(() -> lane.write(List.of(write))).subscribe().with(
        done -> committed(write),
        failure -> {
          if (!refused(failure)) {
            keepForLater(write);
          } else if (tries >= MAX_REFUSALS) {
            LOG.errorf("The store refuses to journal %s (%s); dropping it. Its lease runs out and the job is"
                + " claimed again, its attempt recorded as interrupted", lane.describeWrite(write),
                failure.getMessage());
            metrics.unrecorded();
            committed(null);
          } else {
            vertx.setTimer(1000L * tries, t -> writeAlone(write, tries + 1));
          }
        });
  }

  /**
   * Whether a failed write was refused (the store answered with an error, or the write could not even be encoded:
   * trying the same write again will fail the same way) rather than not delivered (a connection lost or timed
   * out: the same write may well succeed later). A transaction the store rolled back for a concurrent one (SQLSTATE
   * class 40: a serialization failure, such as an event moved to its day's died leaf meanwhile, or a deadlock) was
   * not refused either: written again, it reads the rows as they are now.
   */
  static boolean refused(Throwable failure) {
    if (failure instanceof PgException pg) {
      return pg.getSqlState() == null || !pg.getSqlState().startsWith("40");
    }
    return failure instanceof RuntimeException && !(failure instanceof io.vertx.core.VertxException);
  }

  private void committed(W write) {
    synchronized (this) {
      recording--;
      progressNanos = nanos.getAsLong();
    }
    if (write != null) {
      try {
        lane.committed(write);
      } catch (RuntimeException e) {
        LOG.errorf(e, "After journaling %s", lane.describeWrite(write));
      }
    }
    pump();
  }

  private void keepForLater(W write) {
    synchronized (this) {
      if (unrecorded.size() >= MAX_UNRECORDED) {
        // Dropping an outcome is safe: the job's lease runs out and it is attempted again, same event id.
        unrecorded.poll();
        recording--;
        metrics.unrecorded();
      }
      unrecorded.add(write);
      if (retryTimer != -1) {
        return;
      }
      retryTimer = vertx.setTimer(1000, id -> {
        List<W> again;
        synchronized (this) {
          retryTimer = -1;
          again = List.copyOf(unrecorded);
          unrecorded.clear();
        }
        again.forEach(this::submit);
      });
    }
  }

  /** Stops starting attempts and hands back the jobs that were queued but not started. */
  public List<J> stop() {
    synchronized (this) {
      running = false;
      List<J> unstarted = new ArrayList<>(queue);
      queue.clear();
      return unstarted;
    }
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized int queued() {
    return queue.size();
  }

  /** Writes handed to the journal and not yet committed. */
  public synchronized int recording() {
    return recording;
  }

  /** Nothing queued, attempted or waiting for its commit. */
  public synchronized boolean idle() {
    return inFlight == 0 && queue.isEmpty() && recording == 0;
  }

  /**
   * How long the pipeline has had work (queued, in flight or being recorded) without any attempt ending or any
   * write committing; zero when idle or moving. Every attempt ends within its deadline, so a figure well past the
   * longest deadline means something Rewind relies on stopped: readiness reports it.
   */
  public synchronized Duration stalledFor() {
    if (idle()) {
      return Duration.ZERO;
    }
    if (queue.isEmpty() && inFlight == 0 && !unrecorded.isEmpty()) {
      return Duration.ZERO; // waiting for the store, which its own health check reports
    }
    return Duration.ofNanos(Math.max(0, nanos.getAsLong() - progressNanos));
  }
}
