package dev.rewind.journal.delivery;

import dev.rewind.journal.retry.ErrorClass;
import dev.rewind.journal.retry.Outcome;
import dev.rewind.journal.store.Header;
import java.time.Instant;
import java.util.List;

/**
 * What one HTTP attempt produced.
 *
 * @param error why there was no usable answer (null when a status code came back)
 * @param responseBody the first {@link OutboundRequest#bodyLimit()} bytes of the answer
 */
public record AttemptResult(
    Instant startedAt,
    double durationMs,
    Outcome outcome,
    String error,
    List<Header> responseHeaders,
    byte[] responseBody) {

  public Integer statusCode() {
    return outcome.statusCode();
  }

  public ErrorClass errorClass() {
    return outcome.errorClass();
  }
}
