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
    UUID after) {

  public static final int MAX_LIMIT = 500;

  public EventQuery {
    if (namespace == null) {
      throw new IllegalArgumentException("namespace is required");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
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
