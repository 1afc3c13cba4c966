package dev.rewind.operator.runtime;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A chore of the whole store that one replica does, the leader: run at once when it starts leading, then every
 * interval until it stops. Two replicas doing it at once would be harmless but wasteful (the orphan sweep, journal
 * retention), and a follower's view is no better than the leader's.
 */
final class LeaderTask {

  private static final Logger LOG = Logger.getLogger(LeaderTask.class);

  private final String name;
  private final Runnable task;
  private final Duration interval;
  private final Runnable onStop;
  private ScheduledExecutorService executor;
  private ScheduledFuture<?> schedule;

  /**
   * @param name what the task does, for its thread and its log lines ("orphan-sweep")
   * @param task one run; it may block (it has its own thread)
   */
  LeaderTask(String name, Runnable task, Duration interval) {
    this(name, task, interval, null);
  }

  /**
   * @param onStop what to undo when the replica stops leading, once a run under way has ended; null when there is
   *     nothing to undo (then a run under way is not waited for)
   */
  LeaderTask(String name, Runnable task, Duration interval, Runnable onStop) {
    this.name = name;
    this.task = task;
    this.interval = interval;
    this.onStop = onStop;
  }

  synchronized void start() {
    if (schedule != null) {
      return;
    }
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "rewind-" + name);
      thread.setDaemon(true);
      return thread;
    });
    schedule = executor.scheduleWithFixedDelay(this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    if (schedule == null) {
      return;
    }
    schedule.cancel(false);
    executor.shutdown();
    if (onStop != null) {
      awaitRunUnderWay();
      onStop.run();
    }
    schedule = null;
    executor = null;
  }

  /** What onStop undoes must not be redone behind it by a run still under way. */
  private void awaitRunUnderWay() {
    try {
      if (!executor.awaitTermination(interval.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
        LOG.warnf("%s still running after its interval; stopping anyway", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runOnce() {
    try {
      task.run();
    } catch (RuntimeException e) {
      // Handled here: the next run is the retry. Letting it escape would cancel the schedule for good.
      LOG.warnf("%s failed, next try in %s: %s", name, interval, e.getMessage());
    }
  }
}
