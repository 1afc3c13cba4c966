package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.store.Header;
import dev.rewind.journal.store.NewEvent;
import dev.rewind.journal.store.Uuids;
import dev.rewind.journal.testing.TestStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Journals events as live delivery would have left them (state, attempts made, last outcome), for replay tests:
 * through {@code EventStore.append}, then one UPDATE and the earlier attempts' rows, so replays find a realistic
 * history to number their attempts after.
 */
public final class JournalSeed {

  private final TestStore store;
  private String namespace = "default";
  private String route = "orders";
  private String url = "http://127.0.0.1:9/orders";
  private EventState state = EventState.DEAD;
  private String lastOutcome = "503";
  private int attempts = 3;
  private Duration age = Duration.ofMinutes(1);
  private Duration completedAgo = Duration.ZERO;
  private IntFunction<String> correlation = i -> null;
  private String type = "order.created";
  private String workload = "erp";
  private IntFunction<String> sourceId = i -> null;

  private JournalSeed(TestStore store) {
    this.store = store;
  }

  public static JournalSeed in(TestStore store) {
    return new JournalSeed(store);
  }

  public JournalSeed namespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  public JournalSeed route(String route, String url) {
    this.route = route;
    this.url = url;
    return this;
  }

  /** The state live delivery left the events in; pending ones have no attempt and no outcome. */
  public JournalSeed state(EventState state, String lastOutcome, int attempts) {
    this.state = state;
    this.lastOutcome = lastOutcome;
    this.attempts = attempts;
    return this;
  }

  /** How long ago the events were captured. */
  public JournalSeed age(Duration age) {
    this.age = age;
    return this;
  }

  /** How long ago delivered and dead events completed (default: now). */
  public JournalSeed completedAgo(Duration ago) {
    this.completedAgo = ago;
    return this;
  }

  public JournalSeed correlation(IntFunction<String> correlation) {
    this.correlation = correlation;
    return this;
  }

  public JournalSeed type(String type) {
    this.type = type;
    return this;
  }

  public JournalSeed workload(String workload) {
    this.workload = workload;
    return this;
  }

  public JournalSeed sourceId(IntFunction<String> sourceId) {
    this.sourceId = sourceId;
    return this;
  }

  /** Journals {@code n} such events and returns their Rewind ids, oldest first. */
  public List<UUID> append(int n) {
    Instant base = Instant.now().minus(age);
    List<NewEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      // Distinct milliseconds keep the ids in capture order.
      Instant at = base.plusMillis(i);
      UUID id = Uuids.v7(at);
      String source = sourceId.apply(i);
      events.add(new NewEvent(id, namespace, route, 1, source != null ? source : id.toString(), null,
          correlation.apply(i), type, workload, workload + "-0", "POST", url, "",
          List.of(new Header("Content-Type", "application/json")),
          ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), at));
    }
    List<UUID> ids = new ArrayList<>(n);
    for (int from = 0; from < n; from += 1000) {
      List<NewEvent> batch = events.subList(from, Math.min(n, from + 1000));
      store.events.append(batch, batch.stream().map(e -> false).toList(), "seed", Duration.ofMinutes(1))
          .await().atMost(Duration.ofSeconds(30));
      batch.forEach(e -> ids.add(e.id()));
    }
    if (state != EventState.PENDING) {
      UUID[] array = ids.toArray(UUID[]::new);
      Integer code = lastOutcome != null && lastOutcome.matches("[0-9]+") ? Integer.valueOf(lastOutcome)
          : "delivered".equals(lastOutcome) ? Integer.valueOf(200) : null;
      store.column("UPDATE rewind.events SET state = $2::text, attempts = $3::int, last_outcome = $4::text,"
          + " last_attempt_at = received_at, lease_token = $3::int,"
          + " next_attempt_at = CASE WHEN $2::text = 'failed' THEN now() + interval '1 day' END,"
          + " completed_at = CASE WHEN $2::text IN ('delivered', 'dead')"
          + " THEN now() - ($5::bigint * interval '1 millisecond') END"
          + " WHERE id = ANY($1) RETURNING id", array, state.wireName(), attempts, lastOutcome,
          completedAgo.toMillis());
      store.column("INSERT INTO rewind.attempts (event_id, namespace, number, trigger, worker, destination,"
          + " started_at, duration_ms, status_code, outcome)"
          + " SELECT e.id, e.namespace, n, CASE WHEN n = 1 THEN 'initial' ELSE 'retry' END, 'seed', e.url, e.received_at, 1,"
          + " CASE WHEN n = $3::int THEN $4::int ELSE 503 END, CASE WHEN n = $3::int THEN $2::text ELSE '503' END"
          + " FROM rewind.events e, generate_series(1, $3::int) AS n WHERE e.id = ANY($1) RETURNING event_id",
          array, lastOutcome == null ? "connect-failure" : lastOutcome, attempts, code);
    }
    return ids;
  }
}
