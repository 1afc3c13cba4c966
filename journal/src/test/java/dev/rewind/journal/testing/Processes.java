package dev.rewind.journal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The processes tests start: a free port to give them, and stopping them politely first, then for good. */
public final class Processes {

  private Processes() {}

  /**
   * A port nothing listens on now, on any address (so on loopback too), for a process or server that must be told
   * its port before it starts.
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /**
   * Waits until {@code ready} holds, checking every 100 ms; fails at once, with the process's output, if the
   * process ends first, and when the timeout passes.
   *
   * @param what the process, for the message ("the sidecar")
   * @param output what the process printed so far, for the message
   */
  public static void awaitReady(Process process, BooleanSupplier ready, Duration timeout, String what,
      Supplier<String> output) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(what + " exited with " + process.exitValue() + " before it was ready;"
            + " output:\n" + output.get());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " was not ready within " + timeout + "; output:\n"
            + output.get());
      }
      try {
        process.waitFor(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** SIGTERM (shutdown hooks run), up to 20 s; then SIGKILL, waiting until it is gone. */
  public static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
