package dev.rewind.bench.ingest;

import dev.rewind.bench.proc.ProcessCpu;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The load side of bench/ingest.sh: a fast destination, an open-loop load at fixed rates against the sidecar's
 * storeAndForward capture API and against the destination directly (the "direct call" baseline), the sidecar's
 * RSS while it takes 1,000 events/s, and a closed-loop throughput ceiling. pgbench figures come in as arguments,
 * so one report puts Rewind next to what the same PostgreSQL does on its own.
 *
 * <p>With a plain reverse proxy in front of the same destination (nginx: its URL and master pid), each rate is also
 * sent through it, and the report sets the CPU time the sidecar spends per 1,000 events acknowledged and delivered
 * next to what the proxy spends per 1,000 requests carried. The sidecar's own metrics split its acknowledgement
 * into the journal write and the rest, and count its GC pauses, per rate.
 *
 * <p>Arguments: key=value pairs: capture (URL of the route), sinkPort, sidecarPid, metrics (the sidecar's
 * Prometheus endpoint), postgresPort, proxy and proxyPid (optional), rates (comma list), seconds, connections,
 * throughputSeconds, commitP50Ms, commitP99Ms, batchRowsPerSecond, out (report file).
 */
public final class IngestBench {

  /** Where the sidecar delivers (the route's destination path), told apart from direct and proxied calls. */
  static final String SIDECAR_PATH = "/orders";

  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String capture = a.get("capture");
    int sinkPort = Integer.parseInt(a.get("sinkPort"));
    long sidecarPid = Long.parseLong(a.get("sidecarPid"));
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "15"));
    int connections = Integer.parseInt(a.getOrDefault("connections", "64"));
    int throughputSeconds = Integer.parseInt(a.getOrDefault("throughputSeconds", "20"));
    double commitP50 = Double.parseDouble(a.get("commitP50Ms"));
    double commitP99 = Double.parseDouble(a.get("commitP99Ms"));
    double batchRate = Double.parseDouble(a.get("batchRowsPerSecond"));
    List<Integer> rates = new ArrayList<>();
    for (String r : a.getOrDefault("rates", "100,500,1000").split(",")) {
      rates.add(Integer.parseInt(r.trim()));
    }

    String proxy = a.get("proxy");
    ProcessCpu proxyCpu = proxy == null ? null : ProcessCpu.of(Long.parseLong(a.get("proxyPid")));
    ProcessCpu sidecarCpu = ProcessCpu.of(sidecarPid);
    ProcessCpu postgresCpu = ProcessCpu.find(cmdline -> cmdline.contains("bin/postgres\0")
        && cmdline.contains("\0-p\0" + a.get("postgresPort") + "\0")).orElseThrow(
            () -> new IllegalStateException("no PostgreSQL on port " + a.get("postgresPort") + " in /proc"));
    SidecarMetrics metrics = new SidecarMetrics(URI.create(a.get("metrics")));

    Vertx vertx = Vertx.vertx();
    AtomicLong delivered = new AtomicLong();
    AtomicLong deliveredBySidecar = new AtomicLong();
    HttpServer sink = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
      delivered.incrementAndGet();
      if (req.path().equals(SIDECAR_PATH)) {
        deliveredBySidecar.incrementAndGet();
      }
      req.response().setStatusCode(200).end();
    }));
    sink.listen(sinkPort, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections));
    String direct = "http://127.0.0.1:" + sinkPort + "/direct";

    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "PostgreSQL alone (pgbench): single-row durable commit p50 %.3f ms,"
        + " p99 %.3f ms; batched insert %.0f rows/s%n%n", commitP50, commitP99, batchRate));
    report.append(String.format(Locale.ROOT, "%-22s %8s %10s %10s %10s %10s %12s%n", "load", "rate/s", "p50 ms",
        "p99 ms", "p99.9 ms", "errors", "RSS MiB"));

    // Warm both paths up so JIT compilation is not measured as latency.
    OpenLoop.run(client, capture, 200, 5, "warmup");
    OpenLoop.run(client, direct, 200, 3, "warmup-direct");
    if (proxy != null) {
      OpenLoop.run(client, proxy, 200, 3, "warmup-proxy");
    }

    Map<Integer, OpenLoop.Result> sidecarResults = new LinkedHashMap<>();
    StringBuilder cpu = new StringBuilder(String.format(Locale.ROOT, "%-8s %16s %16s %8s %18s%n", "rate/s",
        "proxy ms/1k", "sidecar ms/1k", "ratio", "PostgreSQL ms/1k"));
    StringBuilder split = new StringBuilder(String.format(Locale.ROOT, "%-8s %12s %12s %16s %16s %10s %12s%n",
        "rate/s", "ack p50 ms", "ack p99 ms", "write p50 <= ms", "write p99 <= ms", "GC pauses", "GC ms"));
    long rssAt1000 = -1;
    for (int rate : rates) {
      OpenLoop.Result directResult = OpenLoop.run(client, direct, rate, seconds, "d" + rate);
      row(report, "direct call", directResult, -1);
      double proxyPerThousand = Double.NaN;
      if (proxy != null) {
        long p0 = proxyCpu.nanos();
        OpenLoop.Result proxied = OpenLoop.run(client, proxy, rate, seconds, "p" + rate);
        proxyPerThousand = perThousand(proxyCpu.nanos() - p0, proxied.ok());
        row(report, "nginx reverse proxy", proxied, -1);
      }
      RssSampler sampler = new RssSampler(sidecarPid);
      sampler.start();
      long deliveredBefore = deliveredBySidecar.get();
      long s0 = sidecarCpu.nanos();
      long pg0 = postgresCpu.nanos();
      SidecarMetrics.Snapshot m0 = metrics.scrape();
      OpenLoop.Result result = OpenLoop.run(client, capture, rate, seconds, "s" + rate);
      long rss = sampler.stopAndMax();
      // Acknowledged and delivered: the CPU window closes once the destination has every event of this rate.
      awaitAtLeast(deliveredBySidecar, deliveredBefore + result.ok(), "s" + rate);
      SidecarMetrics.Window window = metrics.scrape().since(m0);
      double sidecarPerThousand = perThousand(sidecarCpu.nanos() - s0, result.ok());
      double postgresPerThousand = perThousand(postgresCpu.nanos() - pg0, result.ok());
      sidecarResults.put(rate, result);
      if (rate == 1000) {
        rssAt1000 = rss;
      }
      row(report, "sidecar storeAndForward", result, rss);
      cpu.append(String.format(Locale.ROOT, "%-8d %16.1f %16.1f %8.2f %18.1f%n", rate, proxyPerThousand,
          sidecarPerThousand, sidecarPerThousand / proxyPerThousand, postgresPerThousand));
      Histogram h = result.latencyMicros();
      split.append(String.format(Locale.ROOT, "%-8d %12.3f %12.3f %16.3f %16.3f %10.0f %12.1f%n", rate,
          h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, window.writeMillisAt(50),
          window.writeMillisAt(99), window.gcCount(), window.gcSeconds() * 1000));
    }
    report.append(String.format(Locale.ROOT, "%nCPU time per 1,000 events (sidecar: acknowledged and delivered,"
        + " its process alone; proxy: nginx carrying the same requests to the same destination; PostgreSQL: the"
        + " store during the sidecar's run)%n")).append(cpu);
    report.append(String.format(Locale.ROOT, "%nThe sidecar's acknowledgement split (journal write: capture to"
        + " durable commit, from its histogram, so a bucket's upper bound; GC: pauses during the rate)%n"))
        .append(split);
    double ingest = OpenLoop.closedLoop(client, capture, connections, throughputSeconds, "t");
    double directMax = OpenLoop.closedLoop(client, direct, connections, Math.min(10, throughputSeconds), "td");

    report.append(String.format(Locale.ROOT, "%nIngest throughput (%d connections, %d s): %.0f events/s"
        + " acknowledged (direct call to the destination: %.0f requests/s)%n", connections, throughputSeconds,
        ingest, directMax));
    OpenLoop.Result low = sidecarResults.values().iterator().next();
    double ackP50 = low.latencyMicros().getValueAtPercentile(50) / 1000.0;
    report.append(String.format(Locale.ROOT, "%nRatios%n"));
    report.append(String.format(Locale.ROOT, "  ack p50 at %.0f/s / single-row commit p50: %.2f (target <= 1.5)%n",
        low.rate(), ackP50 / commitP50));
    report.append(String.format(Locale.ROOT, "  ingest / batched insert rate: %.2f (target >= 0.4)%n",
        ingest / batchRate));
    report.append(String.format(Locale.ROOT, "  sidecar RSS at 1000 events/s: %s (target <= 96 MiB)%n",
        rssAt1000 < 0 ? "not measured" : rssAt1000 / 1024 + " MiB"));
    report.append(String.format(Locale.ROOT, "  destination received %d requests in all%n", delivered.get()));
    System.out.print(report);
    if (a.containsKey("out")) {
      Files.writeString(Path.of(a.get("out")), report.toString());
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static double perThousand(long cpuNanos, long events) {
    return events == 0 ? Double.NaN : cpuNanos / 1e6 / (events / 1000.0);
  }

  /** Waits until the destination has received {@code expected} events from the sidecar, at most two minutes. */
  private static void awaitAtLeast(AtomicLong count, long expected, String label) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (count.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(label + ": the destination has " + count.get() + " of " + expected
            + " events after two minutes");
      }
      Thread.sleep(20); // polling a counter another thread raises; the condition is checked each time
    }
  }

  private static void row(StringBuilder report, String label, OpenLoop.Result r, long rssKib) {
    Histogram h = r.latencyMicros();
    report.append(String.format(Locale.ROOT, "%-22s %8.0f %10.3f %10.3f %10.3f %10d %12s%n", label, r.rate(),
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0, r.failed(), rssKib < 0 ? "-" : Long.toString(rssKib / 1024)));
  }

  /** Samples a process' resident set size (VmRSS) every 100 ms and keeps the maximum, in KiB. */
  static final class RssSampler extends Thread {
    private final Path status;
    private volatile boolean running = true;
    private long max;

    RssSampler(long pid) {
      super("rss-sampler");
      setDaemon(true);
      status = Path.of("/proc", Long.toString(pid), "status");
    }

    @Override
    public void run() {
      while (running) {
        try {
          for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
              max = Math.max(max, Long.parseLong(line.replaceAll("[^0-9]", "")));
            }
          }
          Thread.sleep(100); // a sampling period, not a wait for a condition
        } catch (IOException | InterruptedException e) {
          return;
        }
      }
    }

    long stopAndMax() {
      running = false;
      try {
        join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return max;
    }
  }
}
