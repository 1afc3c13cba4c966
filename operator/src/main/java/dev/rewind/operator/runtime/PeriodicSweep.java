package dev.rewind.operator.runtime;

import dev.rewind.operator.reconciler.OrphanRouteSweeper;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the {@link OrphanRouteSweeper} at once and then every interval, while this replica leads: two replicas
 * sweeping at once would be harmless but wasteful, and a follower's view is no better than the leader's.
 */
final class PeriodicSweep {

  private static final Logger LOG = Logger.getLogger(PeriodicSweep.class);

  private final OrphanRouteSweeper sweeper;
  private final Duration interval;
  private ScheduledExecutorService executor;
  private ScheduledFuture<?> schedule;

  PeriodicSweep(OrphanRouteSweeper sweeper, Duration interval) {
    this.sweeper = sweeper;
    this.interval = interval;
  }

  synchronized void start() {
    if (schedule != null) {
      return;
    }
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "rewind-orphan-sweep");
      thread.setDaemon(true);
      return thread;
    });
    schedule = executor.scheduleWithFixedDelay(this::sweepOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    if (schedule == null) {
      return;
    }
    schedule.cancel(false);
    executor.shutdown();
    schedule = null;
    executor = null;
  }

  private void sweepOnce() {
    try {
      sweeper.sweep();
    } catch (RuntimeException e) {
      // Handled here: the next run is the retry. Letting it escape would cancel the schedule for good.
      LOG.warnf("Sweeping orphaned routes failed, next try in %s: %s", interval, e.getMessage());
    }
  }
}
