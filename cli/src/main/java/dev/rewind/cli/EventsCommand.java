package dev.rewind.cli;

import dev.rewind.api.time.InstantOrAgo;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.store.EventPage;
import dev.rewind.journal.store.EventQuery;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rewind events}: the journaled events of a namespace that match a filter, oldest first. */
@Command(name = "events", sortOptions = false, mixinStandardHelpOptions = true,
    description = "List journaled events, oldest first, with where their delivery stands.")
final class EventsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--route", paramLabel = "ROUTE", description = "Only events of this Route.")
  String route;

  @Option(names = "--state", paramLabel = "STATE",
      description = "Only events in this state: pending, delivering, delivered, failed, dead.")
  String state;

  @Option(names = "--since", paramLabel = "WHEN",
      description = "Only events captured at or after this instant: RFC 3339 or a duration ago (2h).")
  String since;

  @Option(names = "--until", paramLabel = "WHEN", description = "Only events captured before this instant.")
  String until;

  @Option(names = "--correlation-id", paramLabel = "ID", description = "Only events with this correlation id.")
  String correlationId;

  @Option(names = "--type", paramLabel = "TYPE", description = "Only events of this type.")
  String type;

  @Option(names = "--event-id", paramLabel = "ID", description = "Only the event with this source id.")
  String eventId;

  @Option(names = "--limit", defaultValue = "50", paramLabel = "N",
      description = "Most events listed, 1 to " + EventQuery.MAX_LIMIT + ". Default: ${DEFAULT-VALUE}.")
  int limit;

  @Option(names = "--after", paramLabel = "ID", description = "Continue a listing after this event id.")
  String after;

  @Mixin
  StoreOptions store;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    EventQuery query = query(Instant.now());
    try (StoreSession session = StoreSession.open(store, spec.commandLine().getErr())) {
      EventPage page = session.events().list(query).await().atMost(Duration.ofSeconds(30));
      if (page.events().isEmpty()) {
        out.println("No events in namespace " + store.namespace + " match.");
      } else {
        Output.events(out, page.events().stream().map(e -> new Output.EventRow(e.id(), e.route(),
            e.state().wireName(), e.attempts(), e.lastOutcome(), e.receivedAt(), e.eventId())).toList());
      }
      if (page.next() != null) {
        out.println("More: add --after " + page.next());
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  private EventQuery query(Instant now) {
    EventState parsedState = null;
    if (state != null) {
      try {
        parsedState = EventState.fromWire(state.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new Failures.Invalid("--state: \"" + state + "\" is not one of pending, delivering, delivered,"
            + " failed, dead");
      }
    }
    if (limit < 1 || limit > EventQuery.MAX_LIMIT) {
      throw new Failures.Invalid("--limit: must be from 1 to " + EventQuery.MAX_LIMIT + ", got " + limit);
    }
    UUID afterId = null;
    if (after != null) {
      try {
        afterId = UUID.fromString(after);
      } catch (IllegalArgumentException e) {
        throw new Failures.Invalid("--after: \"" + after + "\" is not an event id (use the id a listing printed)");
      }
    }
    return new EventQuery(store.namespace, route, parsedState, instant("--since", since, now),
        instant("--until", until, now), correlationId, type, eventId, limit, afterId);
  }

  private static Instant instant(String option, String value, Instant now) {
    try {
      return InstantOrAgo.resolve(value, now);
    } catch (IllegalArgumentException e) {
      throw new Failures.Invalid(option + ": " + e.getMessage());
    }
  }
}
