package dev.rewind.cli.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * An Order of the read API: every event with one correlation id in time order (with their attempts), and with a
 * Flow, its hops and where the order stands. {@code progress} is null without a Flow, or when its first hop never
 * captured the order.
 */
record OrderView(String correlationId, List<JournalEventView> events, List<Hop> hops, Progress progress) {

  /** A hop of the Flow; {@code readable} false when the user may not read that namespace's events. */
  record Hop(int index, String namespace, String route, int events, String state, boolean readable) {

    static Hop of(JsonNode node) {
      Boolean readable = Json.bool(node, "readable");
      return new Hop(Json.integer(node, "index", 0), Json.text(node, "namespace"), Json.text(node, "route"),
          Json.integer(node, "events", 0), Json.text(node, "state"), readable == null || readable);
    }

    String name() {
      return namespace + "/" + route;
    }
  }

  /** Where the order stands: complete, in-flight, failed or broken, at a hop, since when. */
  record Progress(String state, int hop, Instant since) {

    static Progress of(JsonNode node) {
      String state = Json.text(node, "state");
      return state == null ? null
          : new Progress(state.toLowerCase(Locale.ROOT).replace('_', '-'), Json.integer(node, "hop", 0),
              Json.instant(node, "since"));
    }

    boolean stopped() {
      return state.equals("broken") || state.equals("failed");
    }
  }

  static OrderView of(JsonNode node) {
    JsonNode progress = Json.at(node, "progress");
    return new OrderView(Json.text(node, "metadata.name"), Json.list(node, "events", JournalEventView::of),
        Json.list(node, "hops", Hop::of), progress.isObject() ? Progress.of(progress) : null);
  }
}
