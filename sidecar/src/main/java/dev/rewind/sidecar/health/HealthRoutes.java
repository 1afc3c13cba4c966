package dev.rewind.sidecar.health;

import dev.rewind.journal.delivery.DeliveryEngine;
import dev.rewind.journal.store.StoreHealth;
import dev.rewind.sidecar.Sidecar;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Liveness and readiness on the management port, in the MicroProfile Health response shape
 * ({@code {"status": "UP", "checks": [...]}}). Two checks do not need a health framework in every pod.
 *
 * <p>Ready means: the store answers and commits durably (not ready while it is unreachable, or with
 * synchronous_commit or fsync off — such a sidecar could not keep the promise an acknowledgement makes), and the
 * routes are loaded, and delivery is moving: not stalled with work waiting for longer than any attempt may take
 * (a stalled engine would acknowledge events it never delivers). Live means the process serves requests; a store
 * outage must not get the pod restarted.
 */
@ApplicationScoped
public class HealthRoutes {

  @Inject
  Sidecar sidecar;

  void routes(@Observes ManagementInterface management) {
    management.router().get("/q/health/live").handler(ctx -> respond(ctx, true, new JsonArray()));
    management.router().get("/q/health/ready").handler(this::ready);
    management.router().get("/q/health").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    boolean routesLoaded = sidecar.routeSource() != null && sidecar.routeSource().healthy();
    JsonObject routes = check("routes", routesLoaded)
        .put("data", new JsonObject().put("served", String.join(",", sidecar.routes().names())));
    if (sidecar.store() == null) {
      respond(ctx, false, new JsonArray().add(routes).add(check("journal-store", false)));
      return;
    }
    DeliveryEngine engine = sidecar.engine();
    boolean moving = engine == null || !engine.stalled();
    JsonObject delivery = check("delivery", moving);
    if (engine != null) {
      delivery.put("data", new JsonObject()
          .put("backlog", engine.backlog())
          .put("stalled_seconds", engine.stalledFor().toSeconds()));
    }
    sidecar.store().health().subscribe().with(health -> {
      JsonObject store = store(health);
      respond(ctx, routesLoaded && moving && health.ready(), new JsonArray().add(routes).add(store).add(delivery));
    });
  }

  static JsonObject store(StoreHealth health) {
    JsonObject data = new JsonObject().put("reachable", health.reachable()).put("detail", health.detail());
    if (health.synchronousCommit() != null) {
      data.put("synchronous_commit", health.synchronousCommit()).put("fsync", health.fsync());
    }
    return check("journal-store", health.ready()).put("data", data);
  }

  private static JsonObject check(String name, boolean up) {
    return new JsonObject().put("name", name).put("status", up ? "UP" : "DOWN");
  }

  private static void respond(RoutingContext ctx, boolean up, JsonArray checks) {
    ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks).encode());
  }
}
