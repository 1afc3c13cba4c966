package dev.rewind.operator.runtime;

import static dev.rewind.operator.testing.Objects.newRoute;
import static dev.rewind.operator.testing.Statuses.isReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.testbed.KubeTestBed;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged application as Quarkus starts it: configuration keys → settings, Quarkus' Kubernetes client and
 * Vert.x → the operator, leader election on a Lease in the client's namespace, routes published to the store.
 */
@QuarkusTest
@WithTestResource(ClusterAndStore.class)
class OperatorApplicationIT {

  @Inject
  OperatorLifecycle lifecycle;

  @Inject
  MeterRegistry meters;

  @Test
  void theStartupBeanRunsTheOperatorFromTheApplicationConfiguration() {
    KubernetesClient admin = KubeTestBed.shared().adminClient();
    String ns = ClusterAndStore.namespace;
    assertThat(lifecycle.operator()).isNotNull();

    admin.resources(Route.class).inNamespace(ns)
        .resource(newRoute("from-the-app", "http://service-b." + ns + ".svc/", null)).create();

    await().atMost(Duration.ofSeconds(30)).until(() ->
        isReady(admin.resources(Route.class).inNamespace(ns).withName("from-the-app").get(), "True", "Published"));
    assertThat(admin.leases().inNamespace(ns).withName("rewind-operator").get().getSpec().getHolderIdentity())
        .isEqualTo("application-it");
    try (TestStore journal = TestStore.attach(ClusterAndStore.database)) {
      assertThat(journal.column("SELECT name FROM rewind.routes WHERE namespace = $1", ns))
          .containsExactly("from-the-app");
    }
    // JOSDK's reconciliation meters, per controller, on the registry Prometheus scrapes.
    assertThat(meters.find("reconciliations.success.total").counters())
        .anySatisfy(c -> {
          assertThat(c.getId().getTag("controller.name")).containsIgnoringCase("route");
          assertThat(c.count()).isPositive();
        });
  }
}
