package dev.rewind.sidecar.health;

import dev.rewind.journal.store.StoreHealth;
import dev.rewind.sidecar.Sidecar;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the store is unreachable or would not commit durably (synchronous_commit or fsync off): such a
 * sidecar could not keep the promise an acknowledgement makes.
 */
@Readiness
@ApplicationScoped
public class StoreReadiness implements AsyncHealthCheck {

  @Inject
  Sidecar sidecar;

  @Override
  public Uni<HealthCheckResponse> call() {
    if (sidecar.store() == null) {
      return Uni.createFrom().item(HealthCheckResponse.down("journal-store"));
    }
    return sidecar.store().health().map(StoreReadiness::response);
  }

  static HealthCheckResponse response(StoreHealth health) {
    var builder = HealthCheckResponse.named("journal-store").status(health.ready())
        .withData("reachable", health.reachable())
        .withData("detail", health.detail());
    if (health.synchronousCommit() != null) {
      builder.withData("synchronous_commit", health.synchronousCommit()).withData("fsync", health.fsync());
    }
    return builder.build();
  }
}
