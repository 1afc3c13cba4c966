package dev.rewind.cli;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.store.EventPage;
import dev.rewind.journal.store.EventQuery;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
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

  @Mixin
  EventFilterOptions filters;

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
    EventState parsedState = filters.state(Failures.Invalid::new);
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
    return new EventQuery(store.namespace, filters.route, parsedState, filters.since(now, Failures.Invalid::new),
        filters.until(now, Failures.Invalid::new), filters.correlationId, filters.type, eventId, limit, afterId);
  }

}
