package dev.rewind.bench.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Sends POSTs at a fixed rate whatever the answers do (open loop), measuring each latency from the moment the
 * request was due, not from when it went out: a stalled server then shows as latency instead of quietly lowering
 * the rate (no coordinated omission). Shared by the ingest and the scale benchmarks, so both measure an
 * acknowledgement the same way.
 */
public final class OpenLoop {

  /** What one open-loop run saw; latencies in microseconds from when each request was due. */
  public record Result(double rate, long sent, long ok, long failed, Histogram latencyMicros) {}

  private OpenLoop() {}

  public static Result run(HttpClient client, String url, int rate, int seconds, String label) {
    URI uri = URI.create(url);
    Histogram histogram = new Histogram(60_000_000L, 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long total = (long) rate * seconds;
    CountDownLatch done = new CountDownLatch((int) total);
    long start = System.nanoTime();
    long intervalNanos = 1_000_000_000L / rate;
    // A dedicated thread issues each request when it falls due (parking until then), so the generator adds
    // microseconds, not a timer tick, to what it measures.
    Thread sender = new Thread(() -> {
      for (long n = 0; n < total; n++) {
        long scheduled = start + n * intervalNanos;
        long wait = scheduled - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        long seq = n;
        String body = "{\"orderId\":\"" + label + "-" + seq + "\",\"amount\":" + (seq % 1000)
            + ",\"currency\":\"EUR\"}";
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost())
                .setPort(uri.getPort()).setURI(uri.getRawPath())
                .putHeader("Content-Type", "application/json")
                .putHeader("Idempotency-Key", label + "-" + seq))
            .compose(req -> req.send(Buffer.buffer(body)))
            .compose(resp -> resp.body().map(b -> resp.statusCode()))
            .onComplete(result -> {
              long micros = (System.nanoTime() - scheduled) / 1000;
              synchronized (histogram) {
                histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
              }
              if (result.succeeded() && result.result() < 300) {
                ok.incrementAndGet();
              } else {
                failed.incrementAndGet();
              }
              done.countDown();
            });
      }
    }, "open-loop-" + label);
    sender.start();
    try {
      if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
        throw new IllegalStateException(label + ": answers still missing after " + (seconds + 60) + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new Result(rate, total, ok.get(), failed.get(), histogram);
  }

  /** As many requests as {@code connections} keep in flight for {@code seconds}: the throughput ceiling. */
  static double closedLoop(HttpClient client, String url, int connections, int seconds, String label) {
    URI uri = URI.create(url);
    AtomicLong completed = new AtomicLong();
    AtomicLong sequence = new AtomicLong();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch finished = new CountDownLatch(connections);
    for (int c = 0; c < connections; c++) {
      sendNext(client, uri, label, sequence, completed, end, finished);
    }
    try {
      finished.await(seconds + 60L, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return completed.get() / (double) seconds;
  }

  private static void sendNext(HttpClient client, URI uri, String label, AtomicLong sequence, AtomicLong completed,
      long end, CountDownLatch finished) {
    if (System.nanoTime() >= end) {
      finished.countDown();
      return;
    }
    long n = sequence.getAndIncrement();
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(uri.getPort())
            .setURI(uri.getRawPath()).putHeader("Content-Type", "application/json")
            .putHeader("Idempotency-Key", label + "-" + n))
        .compose(req -> req.send(Buffer.buffer("{\"orderId\":\"" + label + "-" + n + "\",\"amount\":1}")))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(result -> {
          if (result.succeeded() && result.result() < 300 && System.nanoTime() < end) {
            completed.incrementAndGet();
          }
          sendNext(client, uri, label, sequence, completed, end, finished);
        });
  }
}
