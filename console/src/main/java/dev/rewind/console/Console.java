package dev.rewind.console;

import dev.rewind.api.time.InstantOrAgo;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.console.page.EventFilters;
import dev.rewind.console.page.EventsPage;
import dev.rewind.console.page.FlowPage;
import dev.rewind.console.page.Layout;
import dev.rewind.console.page.ReplaysPage;
import dev.rewind.console.page.RoutesPage;
import dev.rewind.console.page.TracePage;
import dev.rewind.console.read.ConsoleReads;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.health.RouteHealth;
import dev.rewind.journal.store.EventPage;
import dev.rewind.journal.store.EventQuery;
import dev.rewind.journal.store.EventTrace;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The console's pages: answers one {@link ConsoleRequest} for a user whose rights {@link ConsoleAccess} knows.
 * Read-only (GET and HEAD; anything else 405). Every page first checks that the user may list the namespace's
 * events, as the query API's list does, and reads that namespace only; an error page names only what the user
 * asked for. Blocking (it awaits the store): call it off an event loop.
 */
public final class Console {

  /** Where a page can go; anything else is 404. */
  public static final List<String> PAGES = List.of("routes", "events", "trace", "flow", "replays");
  /** The plot's and the routes' window. */
  public static final Duration WINDOW = Duration.ofHours(3);
  static final int PAGE_SIZE = 50;
  private static final Duration BACKLOG_AGE = Duration.ofMinutes(5);
  private static final Logger LOG = Logger.getLogger(Console.class);

  /** The Flows a namespace declares, by name (the operator's Kubernetes client); empty when not known. */
  public interface Flows {
    Optional<FlowHops> flow(String namespace, String name);

    Flows NONE = (namespace, name) -> Optional.empty();
  }

  private final ConsoleReads reads;
  private final Flows flows;
  private final Duration timeout;
  private final Clock clock;

  public Console(ConsoleReads reads, Flows flows, Duration timeout, Clock clock) {
    this.reads = reads;
    this.flows = flows;
    this.timeout = timeout;
    this.clock = clock;
  }

  public ConsoleResponse handle(ConsoleRequest request, ConsoleAccess access) {
    Instant now = clock.instant();
    String ns = request.namespace();
    if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
      return ConsoleResponse.of(405, HTML, Layout.message(ns, "Read-only",
          request.method() + " is not allowed: the console only reads (GET).", now));
    }
    if ("style.css".equals(request.page())) {
      return ConsoleResponse.of(200, "text/css; charset=utf-8", Layout.CSS);
    }
    if (request.page() == null) {
      // .../console without a slash: relative links would resolve beside it, so send the browser inside first.
      return ConsoleResponse.forward("console/routes");
    }
    String page = request.page().isEmpty() ? "routes" : request.page();
    if (!PAGES.contains(page)) {
      return ConsoleResponse.of(404, HTML, Layout.message(ns, "Not found", "There is no console page " + page
          + ".", now));
    }
    if (!access.mayRead(ns)) {
      return ConsoleResponse.of(403, HTML, Layout.message(ns, "Forbidden", "You may not list the journaled events"
          + " of namespace " + ns + " (events.query.rewind.dev), so the console shows nothing of it.", now));
    }
    try {
      return ConsoleResponse.of(200, HTML, switch (page) {
        case "routes" -> routes(ns, now);
        case "events" -> events(request, ns, now);
        case "trace" -> trace(request, ns, access.mayReadBodies(ns), now);
        case "flow" -> flow(request, ns, now);
        default -> ReplaysPage.render(ns, await(reads.replays(ns, 100)), now);
      });
    } catch (BadInput e) {
      return ConsoleResponse.of(e.status, HTML, Layout.message(ns, e.status == 404 ? "Not found" : "Bad request",
          e.getMessage(), now));
    } catch (RuntimeException e) {
      LOG.errorf(e, "Console page %s of %s failed", page, ns);
      return ConsoleResponse.of(503, HTML, Layout.message(ns, "Unavailable", "The journal store could not be read;"
          + " try again.", now));
    }
  }

  private String routes(String ns, Instant now) {
    List<RouteHealth> health = await(reads.health(ns, now.minus(WINDOW), now));
    return RoutesPage.render(ns, health, await(reads.minutes(ns, WINDOW, now)), WINDOW, BACKLOG_AGE, now);
  }

  private String events(ConsoleRequest r, String ns, Instant now) {
    EventFilters f = filters(r, now);
    EventPage page = await(reads.events(new EventQuery(ns, f.route(), f.state(), f.sinceAt(), f.untilAt(),
        f.correlationId(), null, null, f.limit(), f.after(), f.lastOutcome(), null, null)));
    List<String> routes = f.route() != null ? List.of()
        : await(reads.health(ns, now.minus(WINDOW), now)).stream().map(RouteHealth::route).toList();
    return EventsPage.render(ns, f, page, routes, now);
  }

  static EventFilters filters(ConsoleRequest r, Instant now) {
    String state = r.param("state");
    EventState parsed = null;
    if (state != null) {
      try {
        parsed = EventState.fromWire(state);
      } catch (RuntimeException e) {
        throw new BadInput(400, "state must be one of pending, delivering, delivered, failed, dead.");
      }
    }
    String after = r.param("after");
    UUID position = null;
    if (after != null) {
      try {
        position = UUID.fromString(after);
      } catch (IllegalArgumentException e) {
        throw new BadInput(400, "after must be an event id.");
      }
    }
    return new EventFilters(r.param("route"), parsed, r.param("correlationId"), r.param("lastOutcome"),
        r.param("since"), r.param("until"), instant(r, "since", now), instant(r, "until", now), PAGE_SIZE,
        position);
  }

  private static Instant instant(ConsoleRequest r, String name, Instant now) {
    String text = r.param(name);
    if (text == null) {
      return null;
    }
    try {
      return InstantOrAgo.resolve(text, now);
    } catch (RuntimeException e) {
      throw new BadInput(400, name + " must be an RFC 3339 timestamp or a duration back from now (2h).");
    }
  }

  private String trace(ConsoleRequest r, String ns, boolean bodies, Instant now) {
    String id = r.param("id");
    UUID uuid;
    try {
      uuid = UUID.fromString(id == null ? "" : id);
    } catch (IllegalArgumentException e) {
      throw new BadInput(404, "No event has that id in namespace " + ns + ".");
    }
    Optional<EventTrace> trace = await(reads.trace(ns, uuid));
    return TracePage.render(ns, trace.orElseThrow(() -> new BadInput(404, "No event has that id in namespace "
        + ns + ".")), bodies, now);
  }

  private String flow(ConsoleRequest r, String ns, Instant now) {
    String correlationId = r.param("correlationId");
    if (correlationId == null) {
      return FlowPage.form(ns, now);
    }
    String flowName = r.param("flow");
    Optional<FlowHops> flow = flowName == null ? Optional.empty() : flows.flow(ns, flowName);
    if (flowName != null && flow.isEmpty()) {
      throw new BadInput(404, "No valid Flow of that name in namespace " + ns + ".");
    }
    return FlowPage.render(ns, await(reads.story(ns, correlationId, flow, now)), flowName, now);
  }

  private <T> T await(Uni<T> read) {
    return read.await().atMost(timeout);
  }

  private static final String HTML = "text/html; charset=utf-8";

  /** Input the page cannot use: its message names only what the user sent. */
  static final class BadInput extends RuntimeException {
    final int status;

    BadInput(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }
}
