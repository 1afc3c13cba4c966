package dev.rewind.bench.console;

import dev.rewind.console.read.MinuteCounts;
import dev.rewind.console.standalone.LoopbackServer;
import dev.rewind.console.testing.Browser;
import dev.rewind.journal.testing.TestStore;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long the console's pages take to load with N journaled events in one namespace, measured in a real headless
 * Chromium (its navigation timing: from the request to the end of the load event, and to the last byte of the
 * answer) against the standalone console server over an embedded PostgreSQL. The pages and their queries are those
 * the operator serves in a cluster; there kube-apiserver's proxy adds its hop, not measured here.
 *
 * <p>The journal: one namespace, 5 routes, N events over the last 7 days with one attempt each (UUIDv7 ids of the
 * capture time, as Rewind writes them): 97.9% delivered, 1% dead, 0.6% failed (retry scheduled), 0.5% pending; an
 * 20 replays. Baseline in the same run: a console page drawn without reading the store, through the same server
 * and browser. Each page loads 3 times to warm up, then 7 times; the median is printed.
 *
 * <p>Usage: {@code ConsolePageBench [events]} (default 1000000). Run it with bench/console.sh.
 */
public final class ConsolePageBench {

  private static final Duration LONG = Duration.ofHours(1);

  private ConsolePageBench() {}

  public static void main(String[] args) {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    try (TestStore store = TestStore.create()) {
      System.out.printf(Locale.ROOT, "Seeding %,d events in namespace shop...%n", events);
      long t0 = System.nanoTime();
      seed(store, events);
      exec(store, "VACUUM ANALYZE");
      System.out.printf(Locale.ROOT, "Seeded and analyzed in %.0f s: %s events, %s attempts, %s%n",
          (System.nanoTime() - t0) / 1e9, store.column("SELECT count(*) FROM rewind.events").get(0),
          store.column("SELECT count(*) FROM rewind.attempts").get(0),
          store.column("SELECT pg_size_pretty(pg_total_relation_size('rewind.events')"
              + " + pg_total_relation_size('rewind.attempts'))").get(0));
      String dead = store.column("SELECT id::text FROM rewind.events WHERE state = 'dead'"
          + " ORDER BY completed_at DESC LIMIT 1").get(0);
      String order = store.column("SELECT correlation_id FROM rewind.events WHERE id = $1::uuid", dead).get(0);

      System.out.println("Plans of the plot's statements (MinuteCounts), for a 3 h window:");
      for (String sql : List.of(MinuteCounts.completedSql(), MinuteCounts.failedSql())) {
        store.column("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql
            .replace("$1", "'shop'").replace("$2", "(now() - interval '3 hours')").replace("$3", "now()"))
            .forEach(l -> System.out.println("    " + l));
      }

      Map<String, String> pages = new LinkedHashMap<>();
      // Baseline, same server and browser: a page drawn without reading the store (the console's 404 page).
      pages.put("baseline: page without store reads", "no-such-page");
      pages.put("routes (health + 3 h plot)", "routes");
      pages.put("events (first page)", "events");
      pages.put("events state=dead route=route-1", "events?route=route-1&state=dead");
      pages.put("events since=1h", "events?since=1h");
      pages.put("events correlationId", "events?correlationId=" + order);
      pages.put("trace (dead event)", "trace?id=" + dead);
      pages.put("flow (correlation id)", "flow?correlationId=" + order);
      pages.put("replays", "replays");
      try (LoopbackServer server = LoopbackServer.start(store.store.pool(), 0, "shop");
          Browser browser = Browser.start(Path.of("target", "console-bench"))) {
        String base = "http://127.0.0.1:" + server.port() + "/namespaces/shop/console/";
        System.out.println();
        System.out.printf(Locale.ROOT, "%,d events in one namespace, %d cores, embedded PostgreSQL, headless"
            + " Chromium%n", events, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "  %-34s %12s %12s %12s%n", "page", "load (ms)", "response", "max load");
        for (Map.Entry<String, String> p : pages.entrySet()) {
          measure(browser, p.getKey(), base + p.getValue());
        }
      }
    }
  }

  /** Median of 7 loads after 3, from the browser's PerformanceNavigationTiming. */
  private static void measure(Browser browser, String name, String url) {
    for (int i = 0; i < 3; i++) {
      browser.open(url);
    }
    List<Double> load = new ArrayList<>();
    List<Double> response = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      browser.open(url);
      Map<String, Object> timing = browser.navigationTiming();
      load.add(number(timing, "loadEventEnd") - number(timing, "startTime"));
      response.add(number(timing, "responseEnd") - number(timing, "startTime"));
    }
    Collections.sort(load);
    Collections.sort(response);
    System.out.printf(Locale.ROOT, "  %-34s %12.1f %12.1f %12.1f%n", name, load.get(3), response.get(3),
        load.get(6));
  }

  private static double number(Map<String, Object> timing, String key) {
    return ((Number) timing.get(key)).doubleValue();
  }

  private static int exec(TestStore store, String sql, Object... params) {
    return store.store.pool().preparedQuery(sql).execute(Tuple.from(params)).await().atMost(LONG).size();
  }

  /** Bulk inserts, 200,000 events (and their attempts) per statement, all on the server. */
  private static void seed(TestStore store, long events) {
    long chunk = 200_000;
    for (long start = 0; start < events; start += chunk) {
      long end = Math.min(events, start + chunk) - 1;
      exec(store, """
          WITH e AS (
            SELECT i, now() - (random() * interval '7 days') AS t,
                   CASE WHEN i % 1000 < 979 THEN 'delivered' WHEN i % 1000 < 989 THEN 'dead'
                        WHEN i % 1000 < 995 THEN 'failed' ELSE 'pending' END AS s
              FROM generate_series($1::bigint, $2::bigint) AS i),
          v AS (
            SELECT e.*, (substr(x.ms, 1, 8) || '-' || substr(x.ms, 9, 4) || '-7' || substr(x.r, 1, 3) || '-8'
                         || substr(x.r, 4, 3) || '-' || substr(x.r, 7, 12))::uuid AS id
              FROM e, LATERAL (SELECT lpad(to_hex((extract(epoch FROM e.t) * 1000)::bigint), 12, '0') AS ms,
                                      md5(random()::text) AS r) x),
          ins AS (
            INSERT INTO rewind.events (id, namespace, route, event_id, correlation_id, method, url, headers, body,
                                       received_at, state, attempts, last_outcome, last_attempt_at, completed_at,
                                       next_attempt_at, died)
            SELECT id, 'shop', 'route-' || (i % 5), 'e-' || i, 'ORD-' || (i / 3), 'POST', 'http://b/',
                   '[["Content-Type","application/json"]]', '\\x7b7d', t, s,
                   CASE s WHEN 'pending' THEN 0 ELSE 1 END,
                   CASE s WHEN 'delivered' THEN 'delivered' WHEN 'pending' THEN NULL ELSE '503' END,
                   CASE s WHEN 'pending' THEN NULL ELSE t + interval '1 second' END,
                   CASE WHEN s IN ('delivered', 'dead') THEN t + interval '1 second' END,
                   CASE WHEN s IN ('failed', 'pending') THEN now() + interval '1 minute' END, s = 'dead'
              FROM v RETURNING id, state, received_at)
          INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination, started_at,
                                       duration_ms, status_code, error_class, error, outcome, event_died)
          SELECT id, 'shop', 1, 'initial', 'bench', 'http://b/', received_at + interval '1 second', 12.5,
                 CASE state WHEN 'delivered' THEN 200 ELSE 503 END,
                 CASE state WHEN 'delivered' THEN NULL ELSE 'http' END,
                 CASE state WHEN 'delivered' THEN NULL ELSE 'HTTP 503' END,
                 CASE state WHEN 'delivered' THEN 'delivered' ELSE '503' END, state = 'dead'
            FROM ins WHERE state <> 'pending'
          """, start, end);
    }
    exec(store, """
        INSERT INTO rewind.replays (id, namespace, name, spec, phase, matched, delivered, failed, created_at)
        SELECT gen_random_uuid(), 'shop', 'replay-' || i, '{"routeRef":{"name":"route-1"}}', 'Succeeded',
               100, 100, 0, now() - i * interval '1 hour'
          FROM generate_series(1, 20) AS i
        """);
  }
}
