package dev.rewind.journal.store;

import dev.rewind.api.v1alpha1.common.EventState;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A filter over one namespace's events with keyset pagination on the (time-ordered) id: pages stay fast and
 * stable however deep the listing goes, unlike OFFSET.
 */
public record EventQuery(
    String namespace,
    String route,
    EventState state,
    Instant since,
    Instant until,
    String correlationId,
    String type,
    String eventId,
    int limit,
    UUID after,
    String lastOutcome,
    String senderWorkload,
    UUID id) {

  /** The most a listing of the CLI or a sidecar's admin API asks for at once. */
  public static final int MAX_LIMIT = 500;
  /** The most one page may hold, for any caller (the operator's query API pages by up to 1000). */
  public static final int LARGEST_LIMIT = 1000;

  public EventQuery {
    if (namespace == null) {
      throw new IllegalArgumentException("namespace is required");
    }
    if (limit < 1 || limit > LARGEST_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + LARGEST_LIMIT + ", got " + limit);
    }
  }

  /** Without the filters on last outcome, sending workload and Rewind id. */
  public EventQuery(String namespace, String route, EventState state, Instant since, Instant until,
      String correlationId, String type, String eventId, int limit, UUID after) {
    this(namespace, route, state, since, until, correlationId, type, eventId, limit, after, null, null, null);
  }

  record Sql(String text, Tuple params) {}

  Sql toSql() {
    StringBuilder where = new StringBuilder("namespace = $1");
    List<Object> params = new ArrayList<>();
    params.add(namespace);
    if (route != null) {
      params.add(route);
      where.append(" AND route = $").append(params.size());
    }
    if (state != null) {
      params.add(state.wireName());
      where.append(" AND state = $").append(params.size());
    }
    if (since != null) {
      params.add(Rows.offset(since));
      where.append(" AND received_at >= $").append(params.size());
      // Ids are UUIDv7: the bound lets the (namespace, route, state, id) index range-scan.
      params.add(Uuids.lowerBound(since));
      where.append(" AND id >= $").append(params.size());
    }
    if (until != null) {
      params.add(Rows.offset(until));
      where.append(" AND received_at < $").append(params.size());
    }
    if (correlationId != null) {
      params.add(correlationId);
      where.append(" AND correlation_id = $").append(params.size());
    }
    if (type != null) {
      params.add(type);
      where.append(" AND event_type = $").append(params.size());
    }
    if (eventId != null) {
      params.add(eventId);
      where.append(" AND event_id = $").append(params.size());
    }
    if (lastOutcome != null) {
      params.add(lastOutcome);
      where.append(" AND last_outcome = $").append(params.size());
    }
    if (senderWorkload != null) {
      params.add(senderWorkload);
      where.append(" AND sender_workload = $").append(params.size());
    }
    if (id != null) {
      params.add(id);
      where.append(" AND id = $").append(params.size());
    }
    if (after != null) {
      params.add(after);
      where.append(" AND id > $").append(params.size());
    }
    params.add(limit + 1);
    String text = "SELECT " + Rows.EVENT_COLUMNS + " FROM rewind.events WHERE " + where
        + " ORDER BY id LIMIT $" + params.size();
    return new Sql(text, Tuple.tuple(params));
  }
}
