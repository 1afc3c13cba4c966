package dev.rewind.cli.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewind.cli.Output;
import java.time.Instant;
import java.util.List;

/**
 * A JournalEvent of the read API ({@code query.rewind.dev/v1alpha1}): {@code metadata.name} is the event's id,
 * {@code metadata.creationTimestamp} when it was captured. {@code attemptLog} and {@code hold} (what keeps it from
 * being attempted, as a sentence) are filled only when one event is read.
 */
record JournalEventView(String id, String namespace, Instant received, String route, String type,
    String correlationId, String sourceId, String senderWorkload, String senderPod, String method, String url,
    String state, int attempts, String lastOutcome, Integer lastStatusCode, Instant nextAttemptAt,
    Instant completedAt, String hold, List<AttemptView> attemptLog) {

  static JournalEventView of(JsonNode node) {
    return new JournalEventView(Json.text(node, "metadata.name"), Json.text(node, "metadata.namespace"),
        Json.instant(node, "metadata.creationTimestamp"), Json.text(node, "spec.route"), Json.text(node, "spec.type"),
        Json.text(node, "spec.correlationId"), Json.text(node, "spec.sourceId"),
        Json.text(node, "spec.sender.workload"), Json.text(node, "spec.sender.pod"), Json.text(node, "spec.method"),
        Json.text(node, "spec.url"), Json.text(node, "status.state"), Json.integer(node, "status.attempts", 0),
        Json.text(node, "status.lastOutcome"), Json.integer(node, "status.lastStatusCode"),
        Json.instant(node, "status.nextAttemptAt"), Json.instant(node, "status.completedAt"),
        Json.text(node, "status.hold.message"), Json.list(node, "status.attemptLog", AttemptView::of));
  }

  /** A line of the shared events table, as {@code rewind events} prints it. */
  Output.EventRow row() {
    return new Output.EventRow(id, route, state, attempts, lastOutcome, received, sourceId);
  }
}
