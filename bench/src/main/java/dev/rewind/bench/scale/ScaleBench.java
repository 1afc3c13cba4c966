package dev.rewind.bench.scale;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.bench.ingest.OpenLoop;
import dev.rewind.bench.ingest.SidecarMetrics;
import dev.rewind.journal.delivery.DeliveryOptions;
import dev.rewind.journal.flow.OrderStory;
import dev.rewind.journal.flow.OrderStoryReader;
import dev.rewind.journal.replay.ReplayRecord;
import dev.rewind.journal.replay.ReplaySelection;
import dev.rewind.journal.replay.ReplayStore;
import dev.rewind.journal.store.ClaimedEvent;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.store.Retention;
import dev.rewind.journal.store.Store;
import dev.rewind.journal.store.StoreConfig;
import dev.rewind.journal.store.Uuids;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load and measure side of bench/scale.sh: how the journal's costs grow with its size. The journal (migrated by
 * the journal's own {@link Store#prepare()}) is bulk-loaded to each size in turn ({@link JournalLoader}); at each
 * size, with the journal's own classes and statements:
 *
 * <ol>
 *   <li>ack latency: an open loop ({@link OpenLoop}, as the ingest benchmark) against the packaged sidecar's
 *       storeAndForward capture, which journals through the real capture path (HTTP, group commit, durable
 *       insert) and delivers to a destination in this JVM meanwhile;
 *   <li>live claim: {@link EventStore#claimDue} of one route's due work (the statement and limit the delivery
 *       engine uses), each claim given back with {@link EventStore#release} so every claim finds the same backlog;
 *   <li>trace by id ({@link EventStore#trace}) of random events, and by correlation id
 *       ({@link OrderStoryReader#inNamespace}) of random orders;
 *   <li>replay selection: a dry run ({@link ReplayStore#fix} with dryRun) of a route's failed and dead events in
 *       a time window that shrinks as the journal grows, so every size matches about as many events and the time
 *       measures the journal's size, not the answer's;
 *   <li>retention of one day: {@link Retention#apply} cut exactly at the end of the oldest day, every event of
 *       it expired; then of the next day with its dead events kept: wall time, rows removed, and the store's
 *       execution time of its statements from pg_stat_statements when the server loads it.
 * </ol>
 *
 * <p>Arguments, key=value: store (postgresql:// URL of a role other than the sidecar's, so that retention's
 * statements can be told from the sidecar's in pg_stat_statements), capture (the route's capture URL), metrics (the
 * sidecar's Prometheus endpoint, optional: journal writes and GC pauses in the ack window), sinkPort
 * (where the route delivers), sizes (comma list, cumulative), days, backlog, rate, seconds, claims, traces,
 * replays, dataDir (the server's data directory, for the disk check), project (sizes to estimate disk and load
 * time for from the first size), out (report file).
 */
public final class ScaleBench {

  private static final Duration LONG = Duration.ofHours(2);
  private static final int CLAIM_LIMIT = 64;
  private static final int WARMUP = 20;

  /** Every measure at one size, in the order the table prints them; ms unless the name says otherwise. */
  private record Figures(Map<String, Double> values) {
    Figures() {
      this(new LinkedHashMap<>());
    }
  }

  private final Map<String, String> a;
  private final SidecarMetrics sidecarMetrics;
  private final Pool pool;
  private final EventStore events;
  private final Random random = new Random(16);
  private final StringBuilder report = new StringBuilder();
  private boolean statements;

  private ScaleBench(Map<String, String> a, Pool pool) {
    this.a = a;
    this.sidecarMetrics = a.containsKey("metrics") ? new SidecarMetrics(URI.create(a.get("metrics"))) : null;
    this.pool = pool;
    this.events = new EventStore(pool);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Vertx vertx = Vertx.vertx();
    Store store = new Store(vertx, StoreConfig.fromUrl(a.get("store"), null, 4, true, Duration.ofSeconds(30)));
    int version = store.prepare().await().atMost(Duration.ofMinutes(5));
    AtomicLong delivered = new AtomicLong();
    io.vertx.core.Vertx core = vertx.getDelegate();
    core.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
      delivered.incrementAndGet();
      req.response().setStatusCode(200).end();
    })).listen(Integer.parseInt(a.get("sinkPort")), "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    HttpClient client = core.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64));
    try {
      new ScaleBench(a, store.pool()).run(version, client);
      System.out.printf(Locale.ROOT, "(the destination received %d deliveries)%n", delivered.get());
    } finally {
      store.close();
      vertx.closeAndAwait();
    }
  }

  private void run(int version, HttpClient client) throws Exception {
    List<Long> sizes = new ArrayList<>();
    for (String s : a.getOrDefault("sizes", "1000000,10000000,50000000").split(",")) {
      sizes.add(Long.parseLong(s.trim()));
    }
    int days = Integer.parseInt(a.getOrDefault("days", "8"));
    if (days < 3) {
      throw new IllegalArgumentException("days must be at least 3: retention removes two, traces read the others");
    }
    long backlog = Long.parseLong(a.getOrDefault("backlog", "4000"));
    Instant anchor = Instant.now();
    JournalLoader loader = new JournalLoader(pool, days, anchor);
    statements = enableStatementStats();
    boolean partitioned = Boolean.TRUE.equals(scalar("SELECT to_regprocedure("
        + "'rewind.ensure_partitions(timestamptz,timestamptz)') IS NOT NULL"));
    say(String.format(Locale.ROOT, "journal schema version %d (%s); history: %d UTC days from %s and today"
        + " until %s; open backlog %,d events; store statement times: %s", version,
        partitioned ? "partitioned: rewind.ensure_partitions is called before loading" : "not partitioned",
        days, loader.startOfHistory(), anchor, backlog, statements ? "pg_stat_statements" : "not available"));

    List<Long> measured = new ArrayList<>();
    List<Figures> results = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      long size = sizes.get(i);
      if (i > 0 && !fits(loader, size)) {
        break;
      }
      Figures f = new Figures();
      say(String.format(Locale.ROOT, "loading history up to %,d events", size));
      loader.ensurePartitions(Instant.now().plus(Duration.ofDays(2)));
      long t0 = System.nanoTime();
      long[] lastSaid = {System.nanoTime()};
      // A large size loads for an hour or more: a line a minute says how far it got.
      long added = loader.loadTo(size, loaded -> {
        if (System.nanoTime() - lastSaid[0] > TimeUnit.MINUTES.toNanos(1)) {
          lastSaid[0] = System.nanoTime();
          say(String.format(Locale.ROOT, "  ... %,d events of history", loaded));
        }
      });
      if (i == 0) {
        loader.loadBacklog(backlog);
      }
      double loadS = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      exec("VACUUM ANALYZE rewind.events");
      exec("VACUUM ANALYZE rewind.attempts");
      // The load leaves GBs of dirty buffers: flushed now, not by a checkpoint in the middle of the measures.
      exec("CHECKPOINT");
      double vacuumS = (System.nanoTime() - t1) / 1e9;
      long rows = count("SELECT count(*) FROM rewind.events");
      say(String.format(Locale.ROOT, "%,d events added in %.0f s (%.0f events/s), VACUUM ANALYZE and CHECKPOINT"
          + " %.0f s; the journal holds %,d events, %,d attempts", added, loadS, added / Math.max(loadS, 1e-3), vacuumS,
          rows, count("SELECT count(*) FROM rewind.attempts")));
      if (i == 0) {
        project(rows, added / Math.max(loadS, 1e-3));
      }
      f.values.put("events", (double) rows);
      f.values.put("load s (this step)", loadS);
      f.values.put("vacuum+checkpoint s", vacuumS);
      sizes(f);

      ack(f, client, i);
      claims(f);
      traces(f, loader);
      replays(f, loader, sizes.get(0), size);
      retention(f, loader, days);
      measured.add(size);
      results.add(f);
    }
    growth(measured, results);
    if (a.containsKey("out")) {
      Files.writeString(Path.of(a.get("out")), report.toString());
    }
  }

  // ---- the measures ----

  private void ack(Figures f, HttpClient client, int index) {
    int rate = Integer.parseInt(a.getOrDefault("rate", "200"));
    int seconds = Integer.parseInt(a.getOrDefault("seconds", "15"));
    String capture = a.get("capture");
    // JIT first (a longer warm-up at the first size), then the figure.
    OpenLoop.run(client, capture, rate, index == 0 ? 10 : 3, "w" + index);
    // Where a slow tail comes from: the sidecar's journal writes and GC pauses in the window (its metrics), and
    // this load generator's own GC time, which delays sends and so counts in the open loop's latency too.
    SidecarMetrics.Snapshot m0 = sidecarMetrics == null ? null : sidecarMetrics.scrape();
    long loaderGc0 = loaderGcMillis();
    OpenLoop.Result r = OpenLoop.run(client, capture, rate, seconds, "a" + index);
    long loaderGc = loaderGcMillis() - loaderGc0;
    double p50 = r.latencyMicros().getValueAtPercentile(50) / 1000.0;
    double p99 = r.latencyMicros().getValueAtPercentile(99) / 1000.0;
    double p999 = r.latencyMicros().getValueAtPercentile(99.9) / 1000.0;
    f.values.put("ack p50", p50);
    f.values.put("ack p99", p99);
    say(String.format(Locale.ROOT, "ack (sidecar storeAndForward, open loop %d/s for %d s): p50 %.3f ms,"
        + " p99 %.3f ms, p99.9 %.3f ms, max %.3f ms, %d errors of %d", rate, seconds, p50, p99, p999,
        r.latencyMicros().getMaxValue() / 1000.0, r.failed(), r.sent()));
    if (m0 != null) {
      SidecarMetrics.Window w = sidecarMetrics.scrape().since(m0);
      say(String.format(Locale.ROOT, "  in that window: sidecar journal write p50 <= %.1f ms, p99 <= %.1f ms"
          + " (histogram buckets); sidecar GC %.0f pauses, %.1f ms; load generator GC %d ms",
          w.writeMillisAt(50), w.writeMillisAt(99), w.gcCount(), w.gcSeconds() * 1000, loaderGc));
    }
  }

  private static long loaderGcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private void claims(Figures f) {
    int n = Integer.parseInt(a.getOrDefault("claims", "200"));
    List<String[]> routes = new ArrayList<>();
    for (String ns : JournalLoader.NAMESPACES) {
      if (!ns.equals(JournalLoader.LIVE_NAMESPACE)) {
        for (String route : JournalLoader.ROUTES) {
          routes.add(new String[] {ns, route});
        }
      }
    }
    long claimed = 0;
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < WARMUP + n; i++) {
      String[] r = routes.get(random.nextInt(routes.size()));
      long t = System.nanoTime();
      List<ClaimedEvent> got = events.claimDue("scale-bench", r[0], List.of(r[1]), CLAIM_LIMIT,
          Duration.ofSeconds(30), DeliveryOptions.DEFAULT_MEMORY_BUDGET, Duration.ZERO).await().atMost(LONG);
      double ms = (System.nanoTime() - t) / 1e6;
      // Given back as a stopping worker would: the next claim of the route finds the same due work.
      events.release(got.stream().map(c -> c.event().id()).toList(),
          got.stream().map(c -> c.event().leaseToken()).toList(),
          got.stream().map(c -> c.event().attempts()).toList()).await().atMost(LONG);
      if (i >= WARMUP) {
        times.add(ms);
        claimed += got.size();
      }
    }
    put(f, "claim", times);
    say(String.format(Locale.ROOT, "live claim (EventStore.claimDue, one route, limit %d, durable): p50 %.3f ms,"
        + " p99 %.3f ms over %d claims, %.1f events claimed per claim", CLAIM_LIMIT, f.values.get("claim p50"),
        f.values.get("claim p99"), n, claimed / (double) n));
  }

  private void traces(Figures f, JournalLoader loader) {
    int n = Integer.parseInt(a.getOrDefault("traces", "300"));
    List<Double> byId = new ArrayList<>();
    List<Double> byOrder = new ArrayList<>();
    long attempts = 0;
    long orderEvents = 0;
    for (int i = 0; i < WARMUP + n; i++) {
      Object[] target = randomEvent(loader);
      long t = System.nanoTime();
      Optional<EventTrace> trace = events.trace((String) target[0], (UUID) target[1]).await().atMost(LONG);
      double ms = (System.nanoTime() - t) / 1e6;
      if (trace.isEmpty()) {
        throw new IllegalStateException("no trace of " + target[1] + " in " + target[0]);
      }
      String[] order = loader.randomOrder(random);
      t = System.nanoTime();
      OrderStory story = new OrderStoryReader(events).inNamespace(order[1], order[0], Optional.empty(),
          Instant.now()).await().atMost(LONG);
      double orderMs = (System.nanoTime() - t) / 1e6;
      if (i >= WARMUP) {
        byId.add(ms);
        byOrder.add(orderMs);
        attempts += trace.get().attempts().size();
        orderEvents += story.events().size();
      }
    }
    put(f, "trace by id", byId);
    put(f, "order by correlation", byOrder);
    say(String.format(Locale.ROOT, "trace by id (EventStore.trace): p50 %.3f ms, p99 %.3f ms over %d random events"
        + " (%.2f attempts each); order by correlation id (OrderStoryReader): p50 %.3f ms, p99 %.3f ms over %d"
        + " random orders (%.2f events each)", f.values.get("trace by id p50"), f.values.get("trace by id p99"), n,
        attempts / (double) n, f.values.get("order by correlation p50"), f.values.get("order by correlation p99"),
        n, orderEvents / (double) n));
  }

  /**
   * A random event of history outside the days retention removes, and its namespace, found through the
   * (namespace, route, state, id) index alone: an index-only scan leaves the heap pages the trace will read as cold
   * as they were.
   */
  private Object[] randomEvent(JournalLoader loader) {
    Instant from = loader.startOfKept();
    Instant to = loader.endOfHistory();
    for (int attempt = 0; attempt < 20; attempt++) {
      String ns = JournalLoader.NAMESPACES.get(random.nextInt(JournalLoader.NAMESPACES.size()));
      String route = JournalLoader.ROUTES.get(random.nextInt(JournalLoader.ROUTES.size()));
      String state = random.nextInt(1000) < 985 ? "delivered" : "dead";
      Instant at = from.plusMillis((long) (random.nextDouble() * Duration.between(from, to).toMillis()));
      var rows = pool.preparedQuery("SELECT namespace, id FROM rewind.events WHERE namespace = $1 AND route = $2"
              + " AND state = $3 AND id >= $4 ORDER BY namespace, route, state, id LIMIT 1")
          .execute(Tuple.of(ns, route, state, Uuids.lowerBound(at))).await().atMost(LONG);
      if (rows.size() > 0) {
        Row row = rows.iterator().next();
        return new Object[] {row.getString("namespace"), row.getUUID("id")};
      }
    }
    throw new IllegalStateException("no event found to trace");
  }

  private void replays(Figures f, JournalLoader loader, long firstSize, long size) {
    int n = Integer.parseInt(a.getOrDefault("replays", "30"));
    ReplayStore store = new ReplayStore(pool);
    Instant from = loader.startOfKept();
    Instant to = loader.endOfHistory();
    Duration window = Duration.ofMillis(Math.max(60_000, Duration.ofDays(1).toMillis() * firstSize / size));
    List<Double> times = new ArrayList<>();
    long matched = 0;
    for (int i = 0; i < WARMUP / 2 + n; i++) {
      String ns = JournalLoader.NAMESPACES.get(random.nextInt(JournalLoader.NAMESPACES.size()));
      String route = JournalLoader.ROUTES.get(random.nextInt(JournalLoader.ROUTES.size()));
      Instant since = from.plusMillis((long) (random.nextDouble()
          * Math.max(1, Duration.between(from, to).minus(window).toMillis())));
      ReplaySpec spec = new ReplaySpec();
      spec.setRoutes(List.of(route));
      spec.setSince(since.toString());
      spec.setUntil(since.plus(window).toString());
      Instant now = Instant.now();
      ReplaySelection selection = ReplaySelection.of(ns, spec, now);
      UUID id = UUID.randomUUID();
      store.register(id, ns, "scale-" + i, spec).await().atMost(LONG);
      long t = System.nanoTime();
      ReplayRecord record = store.fix(id, selection, 10_000_000, true, null, now).await().atMost(LONG);
      double ms = (System.nanoTime() - t) / 1e6;
      if (i >= WARMUP / 2) {
        times.add(ms);
        matched += record.matched();
      }
      store.delete(id).await().atMost(LONG);
    }
    put(f, "replay selection", times);
    say(String.format(Locale.ROOT, "replay selection (ReplayStore.fix, dry run, one route, states %s, a %s window):"
        + " p50 %.3f ms, p99 %.3f ms over %d runs, %.1f events matched on average",
        ReplaySelection.DEFAULT_STATES.stream().map(EventState::wireName).toList(), window,
        f.values.get("replay selection p50"), f.values.get("replay selection p99"), n, matched / (double) n));
  }

  /**
   * Retention of one day, twice, each time with exactly one day past the cut: first the oldest day with every
   * event in it expired (delivered and dead cut at its end: the day a partitioned journal drops whole), then the
   * next day with its dead events still kept (dead kept for longer than any history here, as the default 7 d /
   * 30 d keeps them: a partitioned journal keeps such a day and deletes its delivered rows).
   */
  private void retention(Figures f, JournalLoader loader, int days) {
    Duration keepDead = Duration.ofDays(days + 30L);
    long inDay0 = loader.inDay(0);
    double[] expired = retain(loader, 0, true, keepDead);
    // Every event of that day was past retention: the day is empty now, whatever count the store reported.
    loader.removed(0, inDay0);
    f.values.put("retention, expired day wall", expired[1]);
    if (statements) {
      f.values.put("retention, expired day store", expired[2]);
    }
    f.values.put("retention, expired day rows", expired[0]);
    long inDay1 = loader.inDay(1);
    double[] kept = retain(loader, 1, false, keepDead);
    loader.removed(1, (long) kept[0]);
    f.values.put("retention, dead kept wall", kept[1]);
    if (statements) {
      f.values.put("retention, dead kept store", kept[2]);
    }
    f.values.put("retention, dead kept rows", kept[0]);
    say(String.format(Locale.ROOT, "retention of an expired day (Retention.apply, delivered and dead cut at %s):"
        + " %,.0f of its %,d events removed, wall %.1f ms, %s", loader.endOfDay(0), expired[0], inDay0,
        expired[1], storeText(expired)));
    say(String.format(Locale.ROOT, "retention of a day with its dead kept (delivered cut at %s, dead kept %d"
        + " days): %,.0f of its %,d events removed, wall %.1f ms, %s", loader.endOfDay(1), keepDead.toDays(),
        kept[0], inDay1, kept[1], storeText(kept)));
  }

  /** Runs retention cut exactly at the end of day {@code b}; returns rows removed, wall ms, store ms (or NaN). */
  private double[] retain(JournalLoader loader, int b, boolean deadToo, Duration keepDead) {
    if (statements) {
      exec("SELECT pg_stat_statements_reset()");
    }
    Duration cut = Duration.between(loader.endOfDay(b), Instant.now());
    long t = System.nanoTime();
    long removed = new Retention(cut, deadToo ? cut : keepDead).apply(pool).await().atMost(LONG);
    double ms = (System.nanoTime() - t) / 1e6;
    double storeMs = Double.NaN;
    double calls = 0;
    if (statements) {
      // Every statement this bench's role ran since the reset, whatever retention runs (batched DELETEs today,
      // partition DDL or a function call on a partitioned journal); the sidecar logs in as another role, so its
      // polling meanwhile is not counted.
      Row row = pool.query("SELECT coalesce(sum(total_exec_time), 0) AS ms, coalesce(sum(calls), 0) AS calls"
          + " FROM pg_stat_statements WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
          + " AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
          + " AND query NOT LIKE '%pg_stat_statements%'").execute().await().atMost(LONG).iterator().next();
      storeMs = row.getDouble("ms");
      calls = row.getLong("calls");
    }
    return new double[] {removed, ms, storeMs, calls};
  }

  private static String storeText(double[] r) {
    return Double.isNaN(r[2]) ? "store time not available (pg_stat_statements not loaded)"
        : String.format(Locale.ROOT, "store execution time %.1f ms in %.0f statements", r[2], r[3]);
  }

  private void sizes(Figures f) {
    // Summed over the partition tree: a partitioned parent alone has no storage of its own (and the tree of a
    // table that is not partitioned is empty, so the table itself is added).
    for (String table : List.of("events", "attempts")) {
      Row row = pool.query("SELECT sum(pg_table_size(relid)) AS heap, sum(pg_indexes_size(relid)) AS idx"
          + " FROM (SELECT relid FROM pg_partition_tree('rewind." + table + "')"
          + " UNION SELECT 'rewind." + table + "'::regclass) t").execute().await().atMost(LONG).iterator().next();
      f.values.put(table + " table MiB", row.getLong("heap") / 1048576.0);
      f.values.put(table + " indexes MiB", row.getLong("idx") / 1048576.0);
    }
    f.values.put("database MiB", count("SELECT pg_database_size(current_database())") / 1048576.0);
    say(String.format(Locale.ROOT, "sizes: events %.0f MiB + indexes %.0f MiB, attempts %.0f MiB + indexes"
        + " %.0f MiB, database %.0f MiB", f.values.get("events table MiB"), f.values.get("events indexes MiB"),
        f.values.get("attempts table MiB"), f.values.get("attempts indexes MiB"), f.values.get("database MiB")));
  }

  /**
   * What the sizes of the full run would take, from the first size's bytes per event and load rate: a linear
   * estimate (the load slows as indexes outgrow memory, so the time is a lower bound).
   */
  private void project(long rows, double eventsPerSecond) {
    long db = count("SELECT pg_database_size(current_database())");
    double perEvent = db / (double) rows;
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "estimate from this size: %.0f bytes per"
        + " event, %.0f events/s loaded;", perEvent, eventsPerSecond));
    for (String s : a.getOrDefault("project", "10000000,50000000").split(",")) {
      long n = Long.parseLong(s.trim());
      line.append(String.format(Locale.ROOT, " %,d events: about %.0f GiB and at least %.0f min of loading;", n,
          perEvent * n / 1073741824.0, n / eventsPerSecond / 60));
    }
    say(line.substring(0, line.length() - 1));
  }

  /** Whether loading to {@code size} fits the disk of the data directory, from the bytes per event so far. */
  private boolean fits(JournalLoader loader, long size) throws Exception {
    long db = count("SELECT pg_database_size(current_database())");
    double perEvent = db / (double) Math.max(1, count("SELECT count(*) FROM rewind.events"));
    long needed = (long) (perEvent * size) - db;
    String dir = a.get("dataDir");
    long free = dir == null ? Long.MAX_VALUE : Files.getFileStore(Path.of(dir)).getUsableSpace();
    // Room for WAL (max_wal_size) and VACUUM besides the rows: keep a tenth of the disk and 8 GiB spare.
    boolean fits = needed < free * 0.9 - 8L * 1024 * 1024 * 1024;
    say(String.format(Locale.ROOT, "disk: %.0f bytes per event so far; %,d events need about %.1f GiB more, %.1f"
        + " GiB free%s", perEvent, size, needed / 1073741824.0, free / 1073741824.0,
        fits ? "" : ": does NOT fit, stopping here"));
    return fits;
  }

  // ---- the table ----

  private void growth(List<Long> sizes, List<Figures> results) {
    if (results.isEmpty()) {
      return;
    }
    StringBuilder t = new StringBuilder();
    t.append(String.format(Locale.ROOT, "%nGrowth: each measure at each size, and its ratio to the %,d-event figure"
        + "%n", sizes.get(0)));
    t.append(String.format(Locale.ROOT, "%-28s", "measure"));
    for (long s : sizes) {
      t.append(String.format(Locale.ROOT, " %22s", String.format(Locale.ROOT, "%,d", s)));
    }
    t.append('\n');
    for (String key : results.get(0).values.keySet()) {
      String label = key.endsWith(" s") || key.endsWith(")") || key.endsWith("MiB") || key.endsWith("rows")
          || key.equals("events") ? key : key + " ms";
      t.append(String.format(Locale.ROOT, "%-28s", label));
      double base = results.get(0).values.get(key);
      for (int i = 0; i < results.size(); i++) {
        Double v = results.get(i).values.get(key);
        String cell = v == null ? "-" : v >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
            : String.format(Locale.ROOT, "%.3f", v);
        if (i > 0 && v != null && base > 0) {
          cell += String.format(Locale.ROOT, " (x%.2f)", v / base);
        }
        t.append(String.format(Locale.ROOT, " %22s", cell));
      }
      t.append('\n');
    }
    Figures first = results.get(0);
    Figures last = results.get(results.size() - 1);
    t.append(String.format(Locale.ROOT, "%nTargets (largest size measured, %,d, against %,d)%n",
        sizes.get(sizes.size() - 1), sizes.get(0)));
    for (String key : List.of("ack p50", "ack p99")) {
      double ratio = last.values.get(key) / first.values.get(key);
      t.append(results.size() < 2
          ? String.format(Locale.ROOT, "  %s within 1.2x of the first size: needs two sizes%n", key)
          : String.format(Locale.ROOT, "  %s within 1.2x of the first size: x%.2f: %s%n", key, ratio,
              ratio <= 1.2 ? "met" : "not met"));
    }
    for (String variant : List.of("expired day", "dead kept")) {
      String key = "retention, " + variant + (statements ? " store" : " wall");
      double worst = results.stream().mapToDouble(r -> r.values.get(key)).max().orElse(0);
      t.append(String.format(Locale.ROOT, "  retention of a day (%s) under 1 s of store time at every size: worst"
          + " %.1f ms (%s): %s%n", variant, worst, statements ? "store execution time"
          : "wall time, store time not available", worst < 1000 ? "met" : "not met"));
    }
    t.append(String.format(Locale.ROOT, "machine: %d cores, %.0f GiB heap limit for this JVM%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1073741824.0));
    System.out.print(t);
    report.append(t);
  }

  // ---- helpers ----

  private static void put(Figures f, String name, List<Double> times) {
    List<Double> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    f.values.put(name + " p50", percentile(sorted, 50));
    f.values.put(name + " p99", percentile(sorted, 99));
  }

  private static double percentile(List<Double> sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private boolean enableStatementStats() {
    try {
      exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      exec("SELECT pg_stat_statements_reset()");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void exec(String sql) {
    pool.query(sql).execute().await().atMost(LONG);
  }

  private Object scalar(String sql) {
    return pool.query(sql).execute().await().atMost(LONG).iterator().next().getValue(0);
  }

  private long count(String sql) {
    return ((Number) scalar(sql)).longValue();
  }

  private void say(String line) {
    String stamped = String.format(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), line);
    System.out.print(stamped);
    report.append(stamped);
  }
}
