package dev.rewind.bench.health;

import dev.rewind.journal.health.RouteHealth;
import dev.rewind.journal.health.RouteHealthQuery;
import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the operator's route health refresh costs as the journal grows: the time of {@link RouteHealthQuery} (one
 * grouped query for every route) on a journal of N events, next to the obvious query that counts every route's
 * events by state (a full pass over the journal), in the same run on the same data.
 *
 * <p>The journal looks like a week of traffic kept by retention: 40 routes in 8 namespaces; of the events 97.9%
 * delivered over the last 7 days (about 60 in the last minute per route), 1% dead, 0.6% failed (retry scheduled),
 * 0.5% pending. Each query runs 3 times to warm up, then 7 times; the median is printed.
 *
 * <p>Usage: {@code HealthQueryBench [events]} (default 1000000). Run it with bench/health.sh.
 */
public final class HealthQueryBench {

  private static final int NAMESPACES = 8;
  private static final int ROUTES_PER_NAMESPACE = 5;
  private static final Duration LONG = Duration.ofHours(1);

  private HealthQueryBench() {}

  public static void main(String[] args) {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    try (TestStore store = TestStore.create()) {
      System.out.printf(Locale.ROOT, "Seeding %,d events in %d routes...%n", events,
          NAMESPACES * ROUTES_PER_NAMESPACE);
      long t0 = System.nanoTime();
      seed(store, events);
      exec(store, "VACUUM ANALYZE rewind.events");
      System.out.printf(Locale.ROOT, "Seeded and analyzed in %.0f s; the table and its indexes take %s%n",
          (System.nanoTime() - t0) / 1e9,
          store.column("SELECT pg_size_pretty(pg_total_relation_size('rewind.events'))").get(0));

      RouteHealthQuery query = new RouteHealthQuery(store.store.pool());
      Supplier<Integer> health = () -> {
        Instant now = Instant.now();
        List<RouteHealth> all = query.read(Set.of(), now.minus(Duration.ofMinutes(1)), now).await().atMost(LONG);
        return all.size();
      };
      Supplier<Integer> naive = () -> exec(store, "SELECT namespace, route, state, count(*) FROM rewind.events"
          + " GROUP BY namespace, route, state");

      double healthMs = median(health, "route health query (RouteHealthQuery)");
      double naiveMs = median(naive, "baseline: count by route and state over the journal");

      System.out.println();
      System.out.printf(Locale.ROOT, "%,d events, %d routes, %d cores, embedded PostgreSQL%n", events,
          NAMESPACES * ROUTES_PER_NAMESPACE, Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "  route health query: %8.1f ms (median of 7)%n", healthMs);
      System.out.printf(Locale.ROOT, "  baseline count:     %8.1f ms (median of 7)%n", naiveMs);
      System.out.printf(Locale.ROOT, "  health / baseline:  %8.3f%n", healthMs / naiveMs);
      System.out.println("Plan of the route health query:");
      store.column("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) " + RouteHealthQuery.sql()
          .replace("$1::text[]", "NULL::text[]").replace("= ANY($1)", "= ANY(NULL::text[])")
          .replace("$2", "now() - interval '1 minute'")).forEach(l -> System.out.println("    " + l));
    }
  }

  /** Runs a statement with time to spare (the test store's own helpers give up after 30 s); returns its row count. */
  static int exec(TestStore store, String sql, Object... params) {
    return store.store.pool().preparedQuery(sql).execute(io.vertx.mutiny.sqlclient.Tuple.from(params)).await()
        .atMost(LONG).size();
  }

  /** Bulk inserts with generate_series, 200,000 events per statement. */
  private static void seed(TestStore store, long events) {
    long chunk = 200_000;
    for (long start = 0; start < events; start += chunk) {
      long end = Math.min(events, start + chunk) - 1;
      exec(store, """
          INSERT INTO rewind.events (id, namespace, route, event_id, method, url, headers, body, received_at,
                                     state, attempts, last_outcome, last_attempt_at, completed_at, next_attempt_at,
                                     died)
          SELECT gen_random_uuid(), 'ns-' || (i %% %d), 'route-' || (i / %d %% %d), 'e-' || i, 'POST',
                 'http://b/', '[]', '\\x7b7d', t, s,
                 CASE WHEN s = 'pending' THEN 0 WHEN s = 'delivered' THEN 1 ELSE 3 END,
                 CASE s WHEN 'delivered' THEN 'delivered' WHEN 'pending' THEN NULL WHEN 'dead' THEN '503'
                        ELSE 'timeout' END,
                 CASE WHEN s = 'pending' THEN NULL ELSE t + interval '1 second' END,
                 CASE WHEN s IN ('delivered', 'dead') THEN t + interval '1 second' END,
                 CASE WHEN s IN ('pending', 'failed') THEN now() + interval '1 minute' END, s = 'dead'
            FROM (SELECT i,
                         CASE WHEN i * 7919 %% 1000 < 979 THEN 'delivered' WHEN i * 7919 %% 1000 < 989 THEN 'dead'
                              WHEN i * 7919 %% 1000 < 995 THEN 'failed' ELSE 'pending' END AS s,
                         now() - (random() * interval '7 days') AS t
                    FROM generate_series($1::bigint, $2::bigint) AS i) g
          """.formatted(NAMESPACES, NAMESPACES, ROUTES_PER_NAMESPACE),
          start, end);
    }
  }

  static double median(Supplier<Integer> query, String name) {
    for (int i = 0; i < 3; i++) {
      query.get();
    }
    List<Double> times = new ArrayList<>();
    int rows = 0;
    for (int i = 0; i < 7; i++) {
      long t = System.nanoTime();
      rows = query.get();
      times.add((System.nanoTime() - t) / 1e6);
    }
    Collections.sort(times);
    System.out.printf(Locale.ROOT, "  %s: %d rows, %.1f ms median (min %.1f, max %.1f)%n", name, rows,
        times.get(3), times.get(0), times.get(6));
    return times.get(3);
  }
}
