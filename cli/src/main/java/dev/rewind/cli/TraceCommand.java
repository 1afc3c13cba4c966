package dev.rewind.cli;

import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.EventPage;
import dev.rewind.journal.store.EventQuery;
import dev.rewind.journal.store.EventStore;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.journal.store.StoredEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rewind trace <event-id>}: one event as journaled and every attempt made for it, replays included. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Show one event and every attempt made for it, live and replayed.")
final class TraceCommand implements Callable<Integer> {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "EVENT-ID",
      description = "The event's id (as in Rewind-Event-Id and rewind events), or its source id.")
  String id;

  @Mixin
  StoreOptions store;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (StoreSession session = StoreSession.open(store, spec.commandLine().getErr())) {
      EventStore events = session.events();
      Optional<EventTrace> trace = find(events);
      if (trace.isEmpty()) {
        throw new Failures.Invalid("no event " + id + " in namespace " + store.namespace);
      }
      print(out, trace.get());
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** By Rewind id; failing that, by source id, which must then name a single event of the namespace. */
  private Optional<EventTrace> find(EventStore events) {
    try {
      Optional<EventTrace> byId = events.trace(store.namespace, UUID.fromString(id)).await().atMost(TIMEOUT);
      if (byId.isPresent()) {
        return byId;
      }
    } catch (IllegalArgumentException notAUuid) {
      // A source id, then.
    }
    EventPage page = events.list(new EventQuery(store.namespace, null, null, null, null, null, null, id, 10, null))
        .await().atMost(TIMEOUT);
    if (page.events().size() > 1) {
      StringBuilder message = new StringBuilder("source id " + id + " names " + page.events().size()
          + " events (one per route); trace one of them by id:");
      page.events().forEach(e -> message.append("\n  ").append(e.id()).append("  route ").append(e.route()));
      throw new Failures.Invalid(message.toString());
    }
    if (page.events().isEmpty()) {
      return Optional.empty();
    }
    return events.trace(store.namespace, page.events().get(0).id()).await().atMost(TIMEOUT);
  }

  /** The journal's attempts as the shared attempt table takes them. */
  static java.util.List<Output.AttemptRow> rows(java.util.List<AttemptRecord> attempts) {
    return attempts.stream().map(a -> new Output.AttemptRow(a.number(), a.trigger(), a.replayName(), a.outcome(),
        a.statusCode(), a.durationMs(), a.startedAt(), a.worker(), a.destination(), a.error())).toList();
  }

  private static void print(PrintWriter out, EventTrace trace) {
    StoredEvent e = trace.event();
    out.println("Event " + e.id() + (e.eventId().equals(e.id().toString()) ? "" : " (source id " + e.eventId()
        + ")"));
    out.printf("  namespace     %s%n", e.namespace());
    out.printf("  route         %s (generation %d)%n", e.route(), e.routeGeneration());
    out.printf("  state         %s after %d attempts%s%n", e.state().wireName(), e.attempts(),
        e.lastOutcome() == null ? "" : ", last outcome " + e.lastOutcome());
    out.printf("  received      %s%n", Output.time(e.receivedAt()));
    if (e.nextAttemptAt() != null) {
      out.printf("  next attempt  %s%n", Output.time(e.nextAttemptAt()));
    }
    if (trace.hold() != null) {
      out.printf("  held          %s%n", trace.hold().describe());
    }
    if (e.completedAt() != null) {
      out.printf("  completed     %s%n", Output.time(e.completedAt()));
    }
    out.printf("  request       %s %s (%d bytes)%n", e.method(), e.url(), e.body().length);
    out.printf("  sender        %s (%s)%n", Output.text(e.senderWorkload()), Output.text(e.senderPod()));
    if (trace.sender() != null && !trace.sender().labels().isEmpty()) {
      out.printf("  labels        %s%n", String.join(", ", trace.sender().labels().entrySet().stream()
          .map(l -> l.getKey() + "=" + l.getValue()).toList()));
    }
    if (e.correlationId() != null || e.eventType() != null) {
      out.printf("  correlation   %s, type %s%n", Output.text(e.correlationId()), Output.text(e.eventType()));
    }
    if (trace.attempts().isEmpty()) {
      out.println("No attempts yet.");
      return;
    }
    out.println("Attempts:");
    Output.attempts(out, rows(trace.attempts()), "  ");
  }
}
