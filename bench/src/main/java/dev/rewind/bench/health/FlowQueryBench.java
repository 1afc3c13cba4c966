package dev.rewind.bench.health;

import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.FlowQuery;
import dev.rewind.journal.flow.FlowTally;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.journal.store.Uuids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What evaluating a Flow costs: {@link FlowQuery} (the operator's statement per Flow and interval, and the tally)
 * on a journal of N events, next to the least any evaluation reads — the distinct correlation ids that entered the
 * first hop in the lookback — in the same run on the same data.
 *
 * <p>The journal: ids are UUIDv7 of the capture time, as Rewind writes them; a three-hop flow (ERP → A → B → partner, the last hop in another namespace) whose orders spread
 * over 7 days, one event per hop reached: 97% reach the partner, 2% stop after B (broken), 1% die at A → B. The flow's
 * lookback is 24 h, so about a seventh of the orders are evaluated. Each query runs 3 times to warm up, then 7 times;
 * the median is printed, and orders evaluated per second from it.
 *
 * <p>Usage: {@code FlowQueryBench [events]} (default 1000000). Run it with bench/flow.sh.
 */
public final class FlowQueryBench {

  private static final Duration LONG = Duration.ofHours(1);
  private static final FlowHops FLOW = new FlowHops(List.of(new FlowHops.Hop("shop", "erp-to-a"),
      new FlowHops.Hop("shop", "a-to-b"), new FlowHops.Hop("fulfilment", "b-to-partner")), Duration.ofMinutes(5),
      Duration.ofHours(24));

  private FlowQueryBench() {}

  public static void main(String[] args) {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    long orders = events / 3;
    try (TestStore store = TestStore.create()) {
      System.out.printf(Locale.ROOT, "Seeding about %,d events (%,d orders over 7 days)...%n", events, orders);
      long t0 = System.nanoTime();
      seed(store, orders);
      HealthQueryBench.exec(store, "VACUUM ANALYZE rewind.events");
      System.out.printf(Locale.ROOT, "Seeded and analyzed in %.0f s: %s events, %s%n", (System.nanoTime() - t0) / 1e9,
          store.column("SELECT count(*) FROM rewind.events").get(0),
          store.column("SELECT pg_size_pretty(pg_total_relation_size('rewind.events'))").get(0));

      FlowQuery query = new FlowQuery(store.store.pool());
      FlowTally[] last = new FlowTally[1];
      Supplier<Integer> flow = () -> {
        last[0] = query.tally(FLOW, Instant.now()).await().atMost(LONG);
        return (int) last[0].entered();
      };
      Supplier<Integer> entered = () -> HealthQueryBench.exec(store, "SELECT DISTINCT correlation_id"
          + " FROM rewind.events WHERE namespace = 'shop' AND route = 'erp-to-a'"
          + " AND received_at >= now() - interval '24 hours' AND correlation_id IS NOT NULL");

      double flowMs = HealthQueryBench.median(flow, "flow evaluation (FlowQuery + FlowTally)");
      double enteredMs = HealthQueryBench.median(entered, "baseline: the orders that entered, alone");

      FlowTally t = last[0];
      System.out.println();
      System.out.printf(Locale.ROOT, "%,d events, %d cores, embedded PostgreSQL%n", events,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(Locale.ROOT, "  orders in the lookback: %,d (complete %,d, in flight %,d, failed %,d,"
          + " broken %,d)%n", t.entered(), t.complete(), t.inFlight(), t.failed(), t.brokenCount());
      System.out.printf(Locale.ROOT, "  flow evaluation:   %8.1f ms (median of 7), %,.0f orders evaluated per second%n",
          flowMs, t.entered() / (flowMs / 1000));
      System.out.printf(Locale.ROOT, "  baseline:          %8.1f ms (median of 7)%n", enteredMs);
      System.out.printf(Locale.ROOT, "  flow / baseline:   %8.2f%n", flowMs / enteredMs);
      System.out.println("Plan of the flow's statement:");
      store.column("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) " + FlowQuery.sql()
          .replace("$1", "(ARRAY['shop', 'shop', 'fulfilment'])")
          .replace("$2", "(ARRAY['erp-to-a', 'a-to-b', 'b-to-partner'])")
          .replace("$3", "'" + Uuids.lowerBound(Instant.now().minus(FLOW.lookback())) + "'::uuid")
          .replace("$4", "'" + Uuids.lowerBound(Instant.now().minus(FLOW.lookback()).minus(Duration.ofMinutes(5)))
              + "'::uuid"))
          .forEach(l -> System.out.println("    " + l));
    }
  }

  /** One event per hop reached, 200,000 orders per statement. */
  private static void seed(TestStore store, long orders) {
    long chunk = 200_000;
    for (long start = 0; start < orders; start += chunk) {
      long end = Math.min(orders, start + chunk) - 1;
      HealthQueryBench.exec(store, """
          WITH o AS (
            SELECT i, 'ORD-' || i AS c, now() - (random() * interval '7 days') AS t,
                   CASE WHEN i * 7919 % 100 < 97 THEN 3 ELSE 2 END AS reach,
                   i * 7919 % 100 = 99 AS dies
              FROM generate_series($1::bigint, $2::bigint) AS i),
          h AS (
            SELECT * FROM (VALUES (0, 'shop', 'erp-to-a'), (1, 'shop', 'a-to-b'),
                                  (2, 'fulfilment', 'b-to-partner')) AS h(hop, namespace, route))
          INSERT INTO rewind.events (id, namespace, route, event_id, correlation_id, method, url, headers, body,
                                     received_at, state, attempts, last_outcome, last_attempt_at, completed_at,
                                     died)
          SELECT v7.id, h.namespace, h.route, o.c || '-' || h.hop, o.c, 'POST', 'http://b/', '[]',
                 '\\x7b7d', o.t + h.hop * interval '1 second', s, 1, CASE s WHEN 'dead' THEN '503' ELSE s END,
                 o.t + h.hop * interval '1 second', o.t + h.hop * interval '1 second', s = 'dead'
            FROM o JOIN h ON h.hop < o.reach,
                 LATERAL (SELECT CASE WHEN o.dies AND h.hop = 1 THEN 'dead' ELSE 'delivered' END AS s) st,
                 -- A UUIDv7 of the capture time, as Rewind's ids are: a flow reads its lookback as an id range.
                 LATERAL (SELECT lpad(to_hex((extract(epoch FROM o.t + h.hop * interval '1 second') * 1000)::bigint),
                                      12, '0') AS ms, md5(random()::text) AS r) x,
                 LATERAL (SELECT (substr(x.ms, 1, 8) || '-' || substr(x.ms, 9, 4) || '-7' || substr(x.r, 1, 3) || '-8'
                                  || substr(x.r, 4, 3) || '-' || substr(x.r, 7, 12))::uuid AS id) v7
          """, start, end);
    }
  }
}
