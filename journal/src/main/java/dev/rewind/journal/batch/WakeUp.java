package dev.rewind.journal.batch;

import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * A single pending wake-up: asking for one sooner than the one scheduled moves it earlier, asking for a later one
 * changes nothing. Pollers sleep until the earliest retry they know of or their poll interval, whichever comes
 * first, without stacking timers.
 */
public final class WakeUp {

  private final Vertx vertx;
  private final Runnable action;
  private long timer = -1;
  private long atNanos = Long.MAX_VALUE;

  public WakeUp(Vertx vertx, Runnable action) {
    this.vertx = vertx;
    this.action = action;
  }

  /** Runs the action within {@code delay}, or sooner if a sooner wake-up is already scheduled. */
  public synchronized void within(Duration delay) {
    long at = System.nanoTime() + delay.toNanos();
    if (timer != -1 && atNanos - at <= 0) {
      return;
    }
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    atNanos = at;
    timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
      synchronized (this) {
        timer = -1;
        atNanos = Long.MAX_VALUE;
      }
      action.run();
    });
  }

  public synchronized void cancel() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
      timer = -1;
      atNanos = Long.MAX_VALUE;
    }
  }
}
