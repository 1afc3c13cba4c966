package dev.rewind.sidecar.admin;

import dev.rewind.api.time.InstantOrAgo;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.store.EventQuery;
import dev.rewind.sidecar.Sidecar;
import dev.rewind.sidecar.config.SidecarConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Trace and query, on the admin port: what happened to one event, and which events match a filter. Only events
 * of this sidecar's namespace are visible, though the store is shared.
 */
@Path("/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {

  @Inject
  Sidecar sidecar;

  @Inject
  SidecarConfig config;

  @GET
  @Path("{id}")
  public Uni<Response> trace(@PathParam("id") String id) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Uni.createFrom().item(problem(400, "id", "\"" + id + "\" is not an event id (a UUID, as returned in"
          + " the capture answer and the Rewind-Event-Id header); to find an event by its source id use"
          + " /v1/events?eventId=" + id));
    }
    return sidecar.events().trace(config.namespace(), uuid).map(found -> found
        .map(t -> Response.ok(Views.Trace.of(t.event(), t.attempts())).build())
        .orElseGet(() -> problem(404, "id", "no event " + id + " in namespace " + config.namespace())));
  }

  @GET
  public Uni<Response> list(
      @QueryParam("route") String route,
      @QueryParam("state") String state,
      @QueryParam("since") String since,
      @QueryParam("until") String until,
      @QueryParam("correlationId") String correlationId,
      @QueryParam("type") String type,
      @QueryParam("eventId") String eventId,
      @QueryParam("limit") @DefaultValue("50") String limit,
      @QueryParam("after") String after) {
    EventQuery query;
    try {
      Instant now = Instant.now();
      query = new EventQuery(config.namespace(), route, state == null ? null : parseState(state),
          parse("since", since, now), parse("until", until, now), correlationId, type, eventId,
          parseLimit(limit), after == null ? null : parseAfter(after));
    } catch (BadParameter e) {
      return Uni.createFrom().item(problem(400, e.parameter, e.getMessage()));
    }
    return sidecar.events().list(query).map(page -> Response.ok(new Views.Page(
        page.events().stream().map(Views.Summary::of).toList(),
        page.next() == null ? null : page.next().toString())).build());
  }

  private static final class BadParameter extends RuntimeException {
    final String parameter;

    BadParameter(String parameter, String message) {
      super(message);
      this.parameter = parameter;
    }
  }

  private static EventState parseState(String state) {
    try {
      return EventState.fromWire(state);
    } catch (IllegalArgumentException e) {
      throw new BadParameter("state", "state must be one of pending, delivering, delivered, failed, dead");
    }
  }

  private static Instant parse(String name, String value, Instant now) {
    try {
      return InstantOrAgo.resolve(value, now);
    } catch (IllegalArgumentException e) {
      throw new BadParameter(name, name + ": " + e.getMessage());
    }
  }

  private static int parseLimit(String limit) {
    try {
      int n = Integer.parseInt(limit);
      if (n >= 1 && n <= EventQuery.MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new BadParameter("limit", "limit must be a number from 1 to " + EventQuery.MAX_LIMIT);
  }

  private static UUID parseAfter(String after) {
    try {
      return UUID.fromString(after);
    } catch (IllegalArgumentException e) {
      throw new BadParameter("after", "after must be the next value of a previous page");
    }
  }

  static Response problem(int status, String field, String message) {
    return Response.status(status).entity(Map.of("status", status, "field", field, "error", message)).build();
  }
}
