package dev.rewind.cli.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A page of a JournalEventList; {@code continueToken} is null on the last page. */
record EventListView(List<JournalEventView> items, String continueToken) {

  static EventListView of(JsonNode node) {
    String next = Json.text(node, "metadata.continue");
    return new EventListView(Json.list(node, "items", JournalEventView::of),
        next == null || next.isEmpty() ? null : next);
  }
}
