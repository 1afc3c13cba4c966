package dev.rewind.sidecar.admin;

import dev.rewind.api.time.Durations;
import dev.rewind.api.time.InstantOrAgo;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.OrderStoryReader;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.EventHold;
import dev.rewind.journal.store.EventQuery;
import dev.rewind.journal.store.EventTrace;
import dev.rewind.sidecar.Sidecar;
import dev.rewind.sidecar.config.SidecarConfig;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The trace and query API on the admin port: what happened to one event, which events match a filter, one order's
 * story (its events by correlation id, along a Flow when asked), counts per state, and the routes served. Only
 * events of this sidecar's namespace are visible, though the store is shared.
 *
 * <p>Plain Vert.x routes rather than a REST framework: five read-only endpoints do not need one, and a sidecar runs
 * next to every captured workload, so every class it does not load is memory saved on every node.
 */
@ApplicationScoped
public class AdminApi {

  @Inject
  Sidecar sidecar;

  @Inject
  SidecarConfig config;

  void routes(@Observes Router router) {
    router.get("/v1/events/:id").handler(this::trace);
    router.get("/v1/events").handler(this::list);
    router.get("/v1/orders/:correlationId").handler(this::order);
    router.get("/v1/stats").handler(this::stats);
    router.get("/v1/routes").handler(this::served);
  }

  private void trace(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      problem(ctx.response(), 400, "id", "\"" + id + "\" is not an event id (a UUID, as returned in the capture"
          + " answer and the Rewind-Event-Id header); to find an event by its source id use /v1/events?eventId="
          + id);
      return;
    }
    sidecar.events().trace(config.namespace(), uuid).subscribe().with(
        found -> found.ifPresentOrElse(
            t -> json(ctx.response(), 200, Views.trace(locallyPaused(t))),
            () -> problem(ctx.response(), 404, "id", "no event " + id + " in namespace " + config.namespace())),
        failure -> problem(ctx.response(), 503, "store", "the journal store is unavailable: " + failure.getMessage()));
  }

  /**
   * The route as this sidecar serves it may be paused although the store has no published copy of it (standalone
   * routes from files): then the sidecar itself says so.
   */
  private EventTrace locallyPaused(EventTrace trace) {
    EventState state = trace.event().state();
    if (trace.hold() != null || state == EventState.DELIVERED || state == EventState.DEAD) {
      return trace;
    }
    ResolvedRoute route = sidecar.routes().get(trace.event().route());
    if (route == null || !Boolean.TRUE.equals(route.spec().getPaused())) {
      return trace;
    }
    return new EventTrace(trace.event(), trace.sender(), trace.attempts(), EventHold.of(true, null, null));
  }

  private void list(RoutingContext ctx) {
    EventQuery query;
    try {
      Instant now = Instant.now();
      String state = ctx.queryParams().get("state");
      String after = ctx.queryParams().get("after");
      query = new EventQuery(config.namespace(), ctx.queryParams().get("route"),
          state == null ? null : parseState(state),
          parseInstant("since", ctx.queryParams().get("since"), now),
          parseInstant("until", ctx.queryParams().get("until"), now),
          ctx.queryParams().get("correlationId"), ctx.queryParams().get("type"), ctx.queryParams().get("eventId"),
          parseLimit(ctx.queryParams().get("limit")), after == null ? null : parseAfter(after));
    } catch (BadParameter e) {
      problem(ctx.response(), 400, e.parameter, e.getMessage());
      return;
    }
    sidecar.events().list(query).subscribe().with(
        page -> {
          JsonArray events = new JsonArray();
          page.events().forEach(e -> events.add(Views.summary(e)));
          JsonObject body = new JsonObject().put("events", events);
          body.put("next", page.next() == null ? null : page.next().toString());
          json(ctx.response(), 200, body);
        },
        failure -> problem(ctx.response(), 503, "store", "the journal store is unavailable: " + failure.getMessage()));
  }

  /**
   * One order's story in this namespace: {@code ?flow=} follows it along one of the Flows this sidecar knows, and the
   * Flow's hops in other namespaces are reported unread, never read.
   */
  private void order(RoutingContext ctx) {
    String correlationId = ctx.pathParam("correlationId");
    String flowName = ctx.queryParams().get("flow");
    Optional<FlowHops> flow = Optional.empty();
    if (flowName != null) {
      if (flowName.length() > 253 || !OBJECT_NAME.matcher(flowName).matches()) {
        problem(ctx.response(), 400, "flow", "flow must be the name of a Flow (lowercase letters, digits, '-' and"
            + " '.'), not \"" + flowName + "\"");
        return;
      }
      flow = sidecar.routeSource().flow(flowName);
      if (flow.isEmpty()) {
        problem(ctx.response(), 404, "flow", config.mode() == SidecarConfig.Mode.cluster
            ? "flow: this sidecar knows no Flows: in a cluster the operator follows them (kubectl get flow "
                + flowName + " -n " + config.namespace() + "); ask without flow for the order's events here"
            : "flow: no Flow \"" + flowName + "\" of namespace " + config.namespace() + " in " + config.configDir());
        return;
      }
    }
    new OrderStoryReader(sidecar.events())
        .inNamespace(correlationId, config.namespace(), flow, Instant.now()).subscribe().with(
            story -> json(ctx.response(), 200, Views.story(story, config.namespace(), flowName)),
            failure -> problem(ctx.response(), 503, "store", "the journal store is unavailable: "
                + failure.getMessage()));
  }

  private void stats(RoutingContext ctx) {
    String route = ctx.queryParams().get("route");
    sidecar.events().countByState(config.namespace(), route).subscribe().with(
        counts -> {
          JsonObject body = new JsonObject().put("namespace", config.namespace());
          if (route != null) {
            body.put("route", route);
          }
          long total = 0;
          for (Map.Entry<EventState, Long> e : counts.entrySet()) {
            body.put(e.getKey().wireName(), e.getValue());
            total += e.getValue();
          }
          json(ctx.response(), 200, body.put("captured", total));
        },
        failure -> problem(ctx.response(), 503, "store", "the journal store is unavailable: " + failure.getMessage()));
  }

  private void served(RoutingContext ctx) {
    JsonArray routes = new JsonArray();
    sidecar.routes().all().values().stream().sorted(Comparator.comparing(ResolvedRoute::name)).forEach(r -> {
      JsonObject route = new JsonObject()
          .put("name", r.name())
          .put("generation", r.generation())
          .put("destination", r.destination())
          .put("mode", r.mode().name())
          .put("maxAttempts", r.policy().maxAttempts())
          .put("timeout", Durations.format(r.policy().timeout()));
      if (r.policyName() != null) {
        route.put("policy", r.policyName()).put("policyGeneration", r.policyGeneration());
      }
      routes.add(route);
    });
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(routes.encode());
  }

  /** A Kubernetes object name (DNS-1123 subdomain), as a Flow's is. */
  private static final Pattern OBJECT_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

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

  private static Instant parseInstant(String name, String value, Instant now) {
    try {
      return InstantOrAgo.resolve(value, now);
    } catch (IllegalArgumentException e) {
      throw new BadParameter(name, name + ": " + e.getMessage());
    }
  }

  private static int parseLimit(String limit) {
    if (limit == null) {
      return 50;
    }
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

  private static void json(HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  static void problem(HttpServerResponse response, int status, String field, String message) {
    json(response, status, new JsonObject().put("status", status).put("field", field).put("error", message));
  }
}
