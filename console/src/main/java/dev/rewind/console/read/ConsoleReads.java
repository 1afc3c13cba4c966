package dev.rewind.console.read;

import dev.rewind.console.plot.MinuteSeries;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.OrderStory;
import dev.rewind.journal.flow.OrderStoryReader;
import dev.rewind.journal.health.RouteHealth;
import dev.rewind.journal.health.RouteHealthQuery;
import dev.rewind.journal.replay.ReplayRecord;
import dev.rewind.journal.replay.ReplayStore;
import dev.rewind.journal.store.EventPage;
import dev.rewind.journal.store.EventQuery;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.EventTrace;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the console reads, one namespace at a time, through the journal's own queries (no SQL of its own but
 * the plot's per-minute counts). Each method reads the namespace it is given and nothing else: the caller has
 * authorized the user for it.
 */
public final class ConsoleReads {

  private final EventStore events;
  private final RouteHealthQuery health;
  private final ReplayStore replays;
  private final MinuteCounts minutes;
  private final OrderStoryReader stories;

  public ConsoleReads(Pool pool) {
    this.events = new EventStore(pool);
    this.health = new RouteHealthQuery(pool);
    this.replays = new ReplayStore(pool);
    this.minutes = new MinuteCounts(pool);
    this.stories = new OrderStoryReader(events);
  }

  public Uni<List<RouteHealth>> health(String namespace, Instant since, Instant now) {
    return health.read(List.of(namespace), since, now);
  }

  public Uni<MinuteSeries> minutes(String namespace, Duration span, Instant now) {
    return minutes.read(namespace, span, now);
  }

  public Uni<EventPage> events(EventQuery query) {
    return events.list(query);
  }

  public Uni<Optional<EventTrace>> trace(String namespace, UUID id) {
    return events.trace(namespace, id);
  }

  /** The order's story as this namespace journaled it; a flow's hops elsewhere stay unread. */
  public Uni<OrderStory> story(String namespace, String correlationId, Optional<FlowHops> flow, Instant now) {
    return stories.inNamespace(correlationId, namespace, flow, now);
  }

  public Uni<List<ReplayRecord>> replays(String namespace, int limit) {
    return replays.recent(namespace, limit);
  }
}
