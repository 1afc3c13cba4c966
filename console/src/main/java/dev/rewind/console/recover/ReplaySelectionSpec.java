package dev.rewind.console.recover;

import dev.rewind.api.v1alpha1.common.EventState;
import java.time.Instant;
import java.util.List;

/**
 * What a console page has selected, as a Replay would select it.
 *
 * @param routes the routes (one for routeRef, several for routes); never empty
 * @param states the states, empty for the Replay's default (failed and dead)
 * @param since the window's start, resolved to an instant when the page was drawn (null: none)
 * @param until the window's end (null: none)
 * @param eventIds source event ids, as delivered to the destination (empty: any)
 */
public record ReplaySelectionSpec(String namespace, List<String> routes, List<EventState> states, Instant since,
    Instant until, String correlationId, List<String> eventIds, String lastOutcome) {

  public ReplaySelectionSpec {
    routes = List.copyOf(routes);
    states = states == null ? List.of() : List.copyOf(states);
    eventIds = eventIds == null ? List.of() : List.copyOf(eventIds);
  }
}
