package dev.rewind.console.page;

import dev.rewind.api.v1alpha1.common.EventState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The events page's filters, as the query API names them (route, state, correlationId, lastOutcome, since, until),
 * with {@code since}/{@code until} as typed and as resolved when the page was read.
 */
public record EventFilters(String route, EventState state, String correlationId, String lastOutcome, String since,
    String until, Instant sinceAt, Instant untilAt, int limit, UUID after) {

  /** The query parameters that reproduce these filters (the page's own links), without the position. */
  public Map<String, String> params() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("route", route);
    p.put("state", state == null ? null : state.wireName());
    p.put("correlationId", correlationId);
    p.put("lastOutcome", lastOutcome);
    p.put("since", since);
    p.put("until", until);
    return p;
  }
}
