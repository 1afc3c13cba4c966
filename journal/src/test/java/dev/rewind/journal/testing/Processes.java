package dev.rewind.journal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

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
