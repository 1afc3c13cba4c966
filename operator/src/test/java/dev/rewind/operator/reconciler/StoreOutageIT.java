package dev.rewind.operator.reconciler;

import static dev.rewind.operator.testing.Objects.newRoute;
import static dev.rewind.operator.testing.Statuses.isReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import dev.rewind.journal.store.Store;
import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.store.RouteStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.RunningOperator;
import dev.rewind.operator.testing.Statuses;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A journal store that cannot be used yet: Routes are Ready=False StoreUnavailable while JOSDK keeps retrying, and
 * become Ready, with the schema migrated, once the store appears — no restart, no event on the Route needed.
 */
@KubeApiTest
class StoreOutageIT {

  private static final Duration WAIT = Duration.ofSeconds(40);

  @Test
  void routesWaitForTheStoreAndArePublishedWhenItAppears(KubernetesClient admin, @TestNamespace String ns) {
    Crds.installed(admin);
    // The database does not exist yet: every connection is refused by the real server.
    String database = "late_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8)
        .toLowerCase(Locale.ROOT);
    Vertx vertx = Vertx.vertx();
    try (Store late = new Store(vertx, TestStore.config(database));
        RunningOperator operator = RunningOperator.start(admin, RunningOperator.watching(ns, Duration.ofMinutes(5)),
            new RouteStore(late, Duration.ofSeconds(2)))) {
      admin.resources(Route.class).inNamespace(ns)
          .resource(newRoute("orders", "http://service-b." + ns + ".svc/orders", null)).create();

      await().atMost(WAIT).until(() -> isReady(route(admin, ns), "False", "StoreUnavailable"));
      assertThat(Statuses.condition(route(admin, ns), RouteStatus.READY)).get()
          .extracting(Condition::getMessage).asString()
          .contains("cannot publish " + ns + "/orders").contains(database).endsWith("; retrying");

      EmbeddedPostgres.execute("CREATE DATABASE " + database);

      await().atMost(WAIT).until(() -> isReady(route(admin, ns), "True", "Published"));
      // Nothing touched the Route meanwhile: JOSDK's retries brought it there.
      assertThat(operator.reconciles.of(Route.KIND, ns, "orders")).isGreaterThanOrEqualTo(2);
      try (TestStore journal = TestStore.attach(database)) {
        assertThat(journal.column("SELECT name FROM rewind.routes WHERE namespace = $1", ns))
            .containsExactly("orders");
      }
    } finally {
      vertx.closeAndAwait();
    }
  }

  private static Route route(KubernetesClient admin, String ns) {
    return admin.resources(Route.class).inNamespace(ns).withName("orders").get();
  }
}
