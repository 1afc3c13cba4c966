package dev.rewind.journal.store;

import io.vertx.core.buffer.Buffer;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Attempt records as column arrays, for the batched {@code INSERT … SELECT FROM unnest(…)} that live delivery and
 * replays both use to journal attempts: one array per column, one element per attempt (all null for a write that
 * carries no attempt).
 */
public record AttemptColumns(
    UUID[] eventIds,
    Integer[] numbers,
    String[] triggers,
    UUID[] replayIds,
    String[] replayNames,
    String[] workers,
    String[] destinations,
    OffsetDateTime[] started,
    Double[] durations,
    Integer[] codes,
    String[] errorClasses,
    String[] errors,
    String[] outcomes,
    String[] responseHeaders,
    Buffer[] responseBodies) {

  public static AttemptColumns of(List<AttemptRecord> attempts) {
    int n = attempts.size();
    AttemptColumns c = new AttemptColumns(new UUID[n], new Integer[n], new String[n], new UUID[n], new String[n],
        new String[n], new String[n], new OffsetDateTime[n], new Double[n], new Integer[n], new String[n],
        new String[n], new String[n], new String[n], new Buffer[n]);
    for (int i = 0; i < n; i++) {
      AttemptRecord a = attempts.get(i);
      if (a == null) {
        continue; // a write without an attempt: every column stays null
      }
      c.eventIds[i] = a.eventId();
      c.numbers[i] = a.number();
      c.triggers[i] = a.trigger();
      c.replayIds[i] = a.replayId();
      c.replayNames[i] = a.replayName();
      c.workers[i] = a.worker();
      c.destinations[i] = a.destination();
      c.started[i] = Rows.offset(a.startedAt());
      c.durations[i] = a.durationMs();
      c.codes[i] = a.statusCode();
      c.errorClasses[i] = a.errorClass();
      c.errors[i] = a.error();
      c.outcomes[i] = a.outcome();
      c.responseHeaders[i] = a.responseHeaders() == null ? null : Header.toJson(a.responseHeaders());
      c.responseBodies[i] = a.responseBody() == null ? null : Buffer.buffer(a.responseBody());
    }
    return c;
  }
}
