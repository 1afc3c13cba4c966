package dev.rewind.bench.scale;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Bulk-loads a journal that looks like days of traffic kept by retention, with server-side SQL ({@code INSERT ...
 * SELECT FROM generate_series}): going through the sidecar would take hours per ten million events and measure
 * the sidecar, not the journal.
 *
 * <p>History: orders of 1 to 4 events (one correlation id, the events 1.5 s apart on the routes of one
 * namespace), spread evenly over {@code days} whole UTC days before today and today until the load starts. 98.5%
 * delivered (one attempt row each, one in twenty after a retried 503), 1.5% dead after 3 to 6 attempts; bodies
 * are JSON of about 200 bytes. Ids are UUIDv7 of the capture millisecond, as {@code Uuids.v7} makes them, so
 * the journal's id ranges, and a partitioned journal's partitions, hold what they would in production. No event
 * is captured in the first half hour of a UTC day nor in its last two minutes, so a retention cut at the end of
 * a day removes that day and nothing younger, and with day partitions that day is exactly one partition.
 *
 * <p>Open work: a fixed backlog (pending, due; and failed, retry scheduled) captured during the last hour on
 * every route but the live one, loaded once: the due backlog is what live delivery has not caught up with, which
 * does not grow with the journal's size, so the claim measures the journal's size and not a growing backlog.
 *
 * <p>Every row goes through the parent tables {@code rewind.events} and {@code rewind.attempts}, so the same load
 * fills today's tables and day-partitioned ones; before writing backdated rows it calls
 * {@code rewind.ensure_partitions(from, to)} when the schema has it.
 */
final class JournalLoader {

  /**
   * The namespaces and the routes each of them has. {@link #LIVE_NAMESPACE}/{@link #LIVE_ROUTE} is the route the
   * live capture goes to: it has history too, so the capture's inserts land in index ranges that hold events.
   */
  static final List<String> NAMESPACES = List.of("bench", "shop-1", "shop-2", "shop-3", "shop-4", "shop-5",
      "shop-6", "shop-7");
  static final List<String> ROUTES = List.of("bench", "orders", "payments", "shipping", "invoices");
  static final String LIVE_NAMESPACE = "bench";
  static final String LIVE_ROUTE = "bench";
  /** Retention removes the two oldest days at every size (see ScaleBench#retention); the others stay. */
  static final int RETAINED_AWAY = 2;

  /** Events per order on average: 1 + (order % 4). */
  private static final double EVENTS_PER_ORDER = 2.5;
  private static final long ORDERS_PER_STATEMENT = 40_000;
  // Nothing is captured in the first half hour of a UTC day: retention of the oldest day deletes batch by batch
  // against the store's now(), so at 50M events its cut moves minutes past the day's end before it finishes, and
  // must still find nothing of the next day. Nor in the last two minutes: an order's later events and delivery
  // times stay within the day.
  private static final Duration QUIET_START = Duration.ofMinutes(30);
  private static final Duration QUIET_END = Duration.ofMinutes(2);
  private static final Duration LONG = Duration.ofHours(2);

  // $1, $2 orders; $3 first capture ms of the bucket; $4 ms it spans; $5 namespaces; $6 routes.
  private static final String HISTORY = """
      WITH o AS (
          SELECT o, $3::bigint + floor(random() * $4::bigint)::bigint AS ms
          FROM generate_series($1::bigint, $2::bigint) AS o),
      e AS (
          SELECT o.o, k, o.ms + (k - 1) * 1500 AS ms,
              ($5::text[])[1 + o.o % array_length($5::text[], 1)] AS ns,
              ($6::text[])[1 + (o.o / array_length($5::text[], 1) + k) % array_length($6::text[], 1)] AS route,
              CASE WHEN (o.o * 7919 + k * 104729) % 1000 < 985 THEN 'delivered' ELSE 'dead' END AS state,
              CASE WHEN (o.o * 7919 + k * 104729) % 1000 >= 985 THEN 3 + (o.o % 4)
                   WHEN (o.o + k) % 20 = 0 THEN 2 ELSE 1 END AS attempts
          FROM o CROSS JOIN LATERAL generate_series(1, 1 + (o.o % 4)::int) AS k
          ORDER BY 3),
      ins AS (
          INSERT INTO rewind.events (id, namespace, route, route_generation, event_id, event_source, correlation_id,
              event_type, sender_workload, sender_pod, method, url, headers, body, received_at, state, attempts,
              lease_token, last_outcome, last_attempt_at, completed_at, died)
          SELECT (lpad(to_hex(e.ms), 12, '0') || '7' || substr(replace(gen_random_uuid()::text, '-', ''), 14))::uuid,
              e.ns, e.route, 1, 'e-' || e.o || '-' || e.k, '', 'order-' || e.o,
              (ARRAY['order.created', 'order.paid', 'order.shipped', 'order.invoiced'])[e.k],
              'shop', 'shop-' || (e.o % 3), 'POST', 'http://' || e.route || '.' || e.ns || '.svc/events',
              jsonb_build_array(jsonb_build_array('Content-Type', 'application/json'),
                  jsonb_build_array('Idempotency-Key', 'e-' || e.o || '-' || e.k)),
              convert_to(format('{"orderId":"order-%s","step":%s,"customer":"c-%s","amount":%s.%s,'
                  || '"currency":"EUR","items":[{"sku":"sku-%s","qty":%s},{"sku":"sku-%s","qty":1}],'
                  || '"note":"gift wrap, leave at the door"}', e.o, e.k, e.o % 100000, e.o % 500, e.o % 100,
                  e.o % 1000, 1 + e.o % 3, (e.o + 7) % 1000), 'UTF8'),
              to_timestamp(e.ms / 1000.0), e.state, e.attempts, e.attempts,
              CASE WHEN e.state = 'delivered' THEN 'delivered' ELSE '503' END,
              to_timestamp(e.ms / 1000.0) + (e.attempts - 1) * interval '2 seconds',
              to_timestamp(e.ms / 1000.0) + (e.attempts - 1) * interval '2 seconds' + interval '40 milliseconds',
              e.state = 'dead'
          FROM e
          RETURNING id, namespace, state, attempts, received_at, url),
      att AS (
          INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination, started_at,
              duration_ms, status_code, error_class, outcome, event_died)
          SELECT i.id, i.namespace, n, CASE WHEN n = 1 THEN 'initial' ELSE 'retry' END, 'shop-0', i.url,
              i.received_at + (n - 1) * interval '2 seconds' + interval '5 milliseconds', 12.5,
              CASE WHEN n = i.attempts AND i.state = 'delivered' THEN 200 ELSE 503 END,
              CASE WHEN n = i.attempts AND i.state = 'delivered' THEN NULL ELSE 'http' END,
              CASE WHEN n = i.attempts AND i.state = 'delivered' THEN 'delivered' ELSE '503' END, i.state = 'dead'
          FROM ins i CROSS JOIN LATERAL generate_series(1, i.attempts) AS n
          RETURNING 1)
      SELECT (SELECT count(*) FROM ins) AS events, (SELECT count(*) FROM att) AS attempts
      """;

  // $1 how many; $2 namespaces (live one excluded); $3 routes. Half pending (due now, never attempted), half
  // failed (one to three 503s, retry due in 1 to 30 minutes).
  private static final String BACKLOG = """
      WITH e AS (
          SELECT i, (extract(epoch FROM now()) * 1000)::bigint - floor(random() * 3600000)::bigint AS ms,
              ($2::text[])[1 + i % array_length($2::text[], 1)] AS ns,
              ($3::text[])[1 + (i / array_length($2::text[], 1)) % array_length($3::text[], 1)] AS route,
              CASE WHEN i % 2 = 0 THEN 'pending' ELSE 'failed' END AS state,
              CASE WHEN i % 2 = 0 THEN 0 ELSE 1 + i % 3 END AS attempts
          FROM generate_series(1, $1::bigint) AS i),
      ins AS (
          INSERT INTO rewind.events (id, namespace, route, route_generation, event_id, event_source, correlation_id,
              event_type, sender_workload, sender_pod, method, url, headers, body, received_at, state, attempts,
              lease_token, next_attempt_at, last_outcome, last_attempt_at)
          SELECT (lpad(to_hex(e.ms), 12, '0') || '7' || substr(replace(gen_random_uuid()::text, '-', ''), 14))::uuid,
              e.ns, e.route, 1, 'open-' || e.i, '', 'open-order-' || e.i, 'order.created', 'shop', 'shop-0',
              'POST', 'http://' || e.route || '.' || e.ns || '.svc/events',
              jsonb_build_array(jsonb_build_array('Content-Type', 'application/json')),
              convert_to(format('{"orderId":"open-order-%s","amount":%s,"currency":"EUR"}', e.i, e.i % 500),
                  'UTF8'),
              to_timestamp(e.ms / 1000.0), e.state, e.attempts, e.attempts,
              CASE WHEN e.state = 'pending' THEN to_timestamp(e.ms / 1000.0)
                   ELSE now() + (1 + e.i % 30) * interval '1 minute' END,
              CASE WHEN e.state = 'failed' THEN '503' END,
              CASE WHEN e.state = 'failed' THEN to_timestamp(e.ms / 1000.0) END
          FROM e
          RETURNING id, namespace, attempts, received_at, url),
      att AS (
          INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination, started_at,
              duration_ms, status_code, error_class, outcome)
          SELECT i.id, i.namespace, n, CASE WHEN n = 1 THEN 'initial' ELSE 'retry' END, 'shop-0', i.url,
              i.received_at + (n - 1) * interval '2 seconds', 12.5, 503, 'http', '503'
          FROM ins i CROSS JOIN LATERAL generate_series(1, i.attempts) AS n
          RETURNING 1)
      SELECT (SELECT count(*) FROM ins) AS events, (SELECT count(*) FROM att) AS attempts
      """;

  /** One stretch of capture time that holds history: a UTC day, or today until the load began. */
  record Bucket(Instant start, Instant end) {

    Duration length() {
      return Duration.between(start, end);
    }
  }

  private final Pool pool;
  private final List<Bucket> buckets = new ArrayList<>();
  private final long[] have;
  /** Per bucket, the ranges of order numbers loaded into it: lookups pick orders that are still there. */
  private final List<List<long[]>> orders = new ArrayList<>();
  private long nextOrder = 1;
  private long events;

  /**
   * @param days whole UTC days of history before today; the two oldest are the ones retention removes
   * @param anchor the end of history (the bench's start): live captures come later
   */
  JournalLoader(Pool pool, int days, Instant anchor) {
    this.pool = pool;
    Instant today = anchor.truncatedTo(ChronoUnit.DAYS);
    for (int d = days; d >= 1; d--) {
      buckets.add(new Bucket(today.minus(Duration.ofDays(d)), today.minus(Duration.ofDays(d - 1))));
    }
    // Today so far, unless it has barely begun: its events would not fit between the quiet times.
    if (Duration.between(today, anchor).compareTo(QUIET_START.plus(Duration.ofMinutes(30))) > 0) {
      buckets.add(new Bucket(today, anchor));
    }
    have = new long[buckets.size()];
    buckets.forEach(b -> orders.add(new ArrayList<>()));
  }

  /** The end of day {@code b} of history (0: the oldest): where retention cuts to remove it. */
  Instant endOfDay(int b) {
    return buckets.get(b).end();
  }

  Instant startOfHistory() {
    return buckets.get(0).start();
  }

  /** Where history that no retention removes begins. */
  Instant startOfKept() {
    return buckets.get(RETAINED_AWAY).start();
  }

  Instant endOfHistory() {
    return buckets.get(buckets.size() - 1).end();
  }

  /** Events of history now in day {@code b}. */
  long inDay(int b) {
    return have[b];
  }

  /** Retention removed {@code removed} events of day {@code b}; the next load fills it up again. */
  void removed(int b, long removed) {
    have[b] -= removed;
    events -= removed;
  }

  /** Creates the partitions that will hold the rows, when the journal is partitioned. */
  void ensurePartitions(Instant to) {
    Row row = pool.query("SELECT to_regprocedure('rewind.ensure_partitions(timestamptz,timestamptz)') IS NOT NULL"
        + " AS partitioned").execute().await().atMost(LONG).iterator().next();
    if (Boolean.TRUE.equals(row.getBoolean("partitioned"))) {
      pool.preparedQuery("SELECT rewind.ensure_partitions($1, $2)")
          .execute(Tuple.of(utc(startOfHistory().minus(Duration.ofDays(1))), utc(to)))
          .await().atMost(LONG);
    }
  }

  /** Loads history until it holds {@code total} events, each day its share by length; returns events added. */
  long loadTo(long total, java.util.function.LongConsumer progress) {
    long before = events;
    long span = buckets.stream().mapToLong(b -> b.length().toMillis()).sum();
    for (int b = 0; b < buckets.size(); b++) {
      Bucket bucket = buckets.get(b);
      long target = Math.round((double) total * bucket.length().toMillis() / span);
      long firstMs = bucket.start().plus(QUIET_START).toEpochMilli();
      long spanMs = bucket.length().minus(QUIET_START).minus(QUIET_END).toMillis();
      while (have[b] < target) {
        long orders = Math.min(ORDERS_PER_STATEMENT,
            Math.max(1, (long) Math.ceil((target - have[b]) / EVENTS_PER_ORDER)));
        Row row = pool.preparedQuery(HISTORY)
            .execute(Tuple.of(nextOrder, nextOrder + orders - 1, firstMs, spanMs,
                NAMESPACES.toArray(String[]::new), ROUTES.toArray(String[]::new)))
            .await().atMost(LONG).iterator().next();
        this.orders.get(b).add(new long[] {nextOrder, nextOrder + orders - 1});
        nextOrder += orders;
        have[b] += row.getLong("events");
        events += row.getLong("events");
        progress.accept(events);
      }
    }
    return events - before;
  }

  /**
   * A random order of history outside the days retention removes at every size, with its namespace: computed
   * from its number as the load placed it, so choosing one reads nothing from the journal.
   */
  String[] randomOrder(java.util.Random random) {
    List<long[]> ranges = new ArrayList<>();
    for (int b = RETAINED_AWAY; b < buckets.size(); b++) {
      ranges.addAll(orders.get(b));
    }
    long total = ranges.stream().mapToLong(r -> r[1] - r[0] + 1).sum();
    long pick = (long) (random.nextDouble() * total);
    for (long[] r : ranges) {
      long n = r[1] - r[0] + 1;
      if (pick < n) {
        long order = r[0] + pick;
        return new String[] {NAMESPACES.get((int) (order % NAMESPACES.size())), "order-" + order};
      }
      pick -= n;
    }
    throw new IllegalStateException("no history loaded outside the days retention removes");
  }

  /** Loads the backlog of open work on every route but the live one. */
  long loadBacklog(long count) {
    if (count <= 0) {
      return 0;
    }
    Row row = pool.preparedQuery(BACKLOG)
        .execute(Tuple.of(count, NAMESPACES.stream().filter(n -> !n.equals(LIVE_NAMESPACE)).toArray(String[]::new),
            ROUTES.toArray(String[]::new)))
        .await().atMost(LONG).iterator().next();
    return row.getLong("events");
  }

  private static OffsetDateTime utc(Instant at) {
    return at.atOffset(ZoneOffset.UTC);
  }
}
