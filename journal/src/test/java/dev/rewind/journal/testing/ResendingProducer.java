package dev.rewind.journal.testing;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A sender as real ones behave: it captures {@code order-0}, {@code order-1}, ... through a sidecar's capture port
 * one at a time, and sends again (after 50 ms) whatever was not acknowledged, until it is. Acknowledged keys and
 * their event ids go into {@code acked}.
 */
public final class ResendingProducer {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ResendingProducer() {}

  /**
   * Sends while {@code sending} is set and at least {@code minimum} keys; returns when told to stop (or
   * interrupted).
   */
  public static void run(SidecarProcess sidecar, String route, Map<String, String> acked, AtomicBoolean sending,
      int minimum) {
    for (int n = 0; sending.get() || n < minimum; n++) {
      String key = "order-" + n;
      while (!acked.containsKey(key)) {
        try {
          HttpResponse<String> response = HTTP.send(sidecar.captureRequest(route, key, "{\"n\":" + n + "}"),
              HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 202) {
            acked.put(key, response.headers().firstValue("Rewind-Event-Id").orElseThrow());
            break;
          }
        } catch (IOException e) {
          // Not acknowledged: sent again, as any sender does.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
  }
}
