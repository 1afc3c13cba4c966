package dev.rewind.sidecar.admin;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.sidecar.Sidecar;
import dev.rewind.sidecar.config.SidecarConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** How many events of this namespace (or one route) stand in each state: the first thing on-call asks. */
@Path("/v1/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

  @Inject
  Sidecar sidecar;

  @Inject
  SidecarConfig config;

  @GET
  public Uni<Map<String, Object>> stats(@QueryParam("route") String route) {
    return sidecar.events().countByState(config.namespace(), route).map(counts -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("namespace", config.namespace());
      if (route != null) {
        body.put("route", route);
      }
      long total = 0;
      for (Map.Entry<EventState, Long> e : counts.entrySet()) {
        body.put(e.getKey().wireName(), e.getValue());
        total += e.getValue();
      }
      body.put("captured", total);
      return body;
    });
  }
}
