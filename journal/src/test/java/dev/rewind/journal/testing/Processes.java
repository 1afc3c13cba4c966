package dev.rewind.journal.testing;

import java.util.concurrent.TimeUnit;

/** Stopping the processes tests start: politely first (SIGTERM, shutdown hooks run), then for good. */
public final class Processes {

  private Processes() {}

  public static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
