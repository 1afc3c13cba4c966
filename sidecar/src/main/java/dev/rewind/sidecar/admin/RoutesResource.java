package dev.rewind.sidecar.admin;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.sidecar.Sidecar;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;

/** The routes this sidecar serves right now, with the policy each one delivers by. */
@Path("/v1/routes")
@Produces(MediaType.APPLICATION_JSON)
public class RoutesResource {

  @Inject
  Sidecar sidecar;

  record RouteView(String name, long generation, String destination, String mode, String policy,
      Long policyGeneration, int maxAttempts, String timeout) {}

  @GET
  public List<RouteView> routes() {
    return sidecar.routes().all().values().stream()
        .sorted(Comparator.comparing(ResolvedRoute::name))
        .map(r -> new RouteView(r.name(), r.generation(), r.destination(), r.mode().name(), r.policyName(),
            r.policyGeneration(), r.policy().maxAttempts(),
            dev.rewind.api.time.Durations.format(r.policy().timeout())))
        .toList();
  }
}
