package dev.rewind.journal.store;

import dev.rewind.api.v1alpha1.common.EventState;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Column readers shared by the classes that read the journal. */
public final class Rows {

  static final String EVENT_COLUMNS = "id, namespace, route, route_generation, event_id, correlation_id, event_type,"
      + " sender_workload, sender_pod, method, url, path_suffix, headers, body, received_at, state, attempts,"
      + " next_attempt_at, lease_owner, lease_token, last_outcome, last_attempt_at, completed_at";

  private Rows() {}

  /** A timestamptz column as an instant; null when the column is null. */
  public static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  static OffsetDateTime offset(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static byte[] bytes(Row row, String column) {
    Buffer buffer = row.getBuffer(column);
    return buffer == null ? null : buffer.getBytes();
  }

  static StoredEvent event(Row row) {
    return new StoredEvent(
        row.getUUID("id"),
        row.getString("namespace"),
        row.getString("route"),
        row.getLong("route_generation"),
        row.getString("event_id"),
        row.getString("correlation_id"),
        row.getString("event_type"),
        row.getString("sender_workload"),
        row.getString("sender_pod"),
        row.getString("method"),
        row.getString("url"),
        row.getString("path_suffix"),
        Header.fromJson(row.getValue("headers")),
        bytes(row, "body"),
        instant(row, "received_at"),
        EventState.fromWire(row.getString("state")),
        row.getInteger("attempts"),
        instant(row, "next_attempt_at"),
        row.getString("lease_owner"),
        row.getLong("lease_token"),
        row.getString("last_outcome"),
        instant(row, "last_attempt_at"),
        instant(row, "completed_at"));
  }

  static AttemptRecord attempt(Row row) {
    return new AttemptRecord(
        row.getUUID("event_id"),
        row.getInteger("number"),
        row.getString("trigger"),
        row.getUUID("replay_id"),
        row.getString("replay_name"),
        row.getString("worker"),
        row.getString("destination"),
        instant(row, "started_at"),
        row.getDouble("duration_ms"),
        row.getInteger("status_code"),
        row.getString("error_class"),
        row.getString("error"),
        row.getString("outcome"),
        Header.fromJson(row.getValue("response_headers")),
        bytes(row, "response_body"));
  }
}
