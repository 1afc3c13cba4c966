package dev.rewind.sidecar.health;

import dev.rewind.sidecar.Sidecar;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once routes are loaded; reports which are served. */
@Readiness
@ApplicationScoped
public class RoutesReadiness implements HealthCheck {

  @Inject
  Sidecar sidecar;

  @Override
  public HealthCheckResponse call() {
    boolean loaded = sidecar.routeSource() != null && sidecar.routeSource().healthy();
    return HealthCheckResponse.named("routes").status(loaded)
        .withData("served", String.join(",", sidecar.routes().names()))
        .build();
  }
}
