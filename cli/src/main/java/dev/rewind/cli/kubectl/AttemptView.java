package dev.rewind.cli.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewind.cli.Output;
import java.time.Instant;

/** One entry of a JournalEvent's {@code status.attemptLog}. */
record AttemptView(int number, String trigger, String replay, String outcome, Integer statusCode, double durationMs,
    Instant startedAt, String destination, String error) {

  static AttemptView of(JsonNode node) {
    return new AttemptView(Json.integer(node, "number", 0), Json.text(node, "trigger"), Json.text(node, "replay"),
        Json.text(node, "outcome"), Json.integer(node, "statusCode"), Json.decimal(node, "durationMs"),
        Json.instant(node, "startedAt"), Json.text(node, "destination"), Json.text(node, "error"));
  }

  /** As the shared attempt tables take it; the read API does not name the worker. */
  Output.AttemptRow row() {
    return new Output.AttemptRow(number, trigger, replay, outcome, statusCode, durationMs, startedAt, null,
        destination, error);
  }
}
