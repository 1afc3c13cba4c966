package dev.rewind.bench.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an acknowledgement's time goes, from the sidecar's own metrics: the journal write (capture to durable
 * commit, {@code rewind_journal_write_seconds}) and the JVM's garbage-collection pauses, as the difference between
 * two scrapes of its Prometheus endpoint taken around one load window. The ack latency the load generator sees,
 * less the journal write, is HTTP and scheduling; GC pauses show whether the small heap is to blame for the tail.
 */
public final class SidecarMetrics {

  private static final String WRITE = "rewind_journal_write_seconds";
  private static final String GC = "jvm_gc_pause_seconds";

  /** One scrape: cumulative journal-write bucket counts by upper bound (seconds), GC pause count and sum. */
  public record Snapshot(TreeMap<Double, Double> writeBuckets, double gcCount, double gcSeconds) {

    /** What happened between {@code earlier} and this scrape. */
    public Window since(Snapshot earlier) {
      TreeMap<Double, Double> buckets = new TreeMap<>();
      writeBuckets.forEach((le, n) -> buckets.put(le, n - earlier.writeBuckets.getOrDefault(le, 0.0)));
      return new Window(buckets, gcCount - earlier.gcCount, gcSeconds - earlier.gcSeconds);
    }
  }

  /** One load window's journal writes and GC pauses. */
  public record Window(TreeMap<Double, Double> writeBuckets, double gcCount, double gcSeconds) {

    /** The upper bound (ms) of the bucket holding the given percentile of journal writes; NaN with no writes. */
    public double writeMillisAt(double percentile) {
      double total = writeBuckets.isEmpty() ? 0 : writeBuckets.lastEntry().getValue();
      if (total <= 0) {
        return Double.NaN;
      }
      double rank = total * percentile / 100.0;
      for (Map.Entry<Double, Double> bucket : writeBuckets.entrySet()) {
        if (bucket.getValue() >= rank) {
          return bucket.getKey() * 1000.0;
        }
      }
      return Double.POSITIVE_INFINITY;
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI endpoint;

  public SidecarMetrics(URI endpoint) {
    this.endpoint = endpoint;
  }

  public Snapshot scrape() {
    String text;
    try {
      text = http.send(HttpRequest.newBuilder(endpoint).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException("cannot scrape " + endpoint, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return parse(text);
  }

  /** Sums each series over its label sets (routes, GC causes): the window is about the process as a whole. */
  static Snapshot parse(String text) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    double gcCount = 0;
    double gcSum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String name = line.substring(0, nameEnd(line));
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (name.equals(WRITE + "_bucket")) {
        buckets.merge(upperBound(line), value, Double::sum);
      } else if (name.equals(GC + "_count")) {
        gcCount += value;
      } else if (name.equals(GC + "_sum")) {
        gcSum += value;
      }
    }
    return new Snapshot(buckets, gcCount, gcSum);
  }

  private static int nameEnd(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    return brace >= 0 && brace < space ? brace : space;
  }

  private static double upperBound(String line) {
    int at = line.indexOf("le=\"") + 4;
    String le = line.substring(at, line.indexOf('"', at));
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }
}
