package dev.rewind.operator.reconciler;

import static dev.rewind.operator.testing.Objects.newRoute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.model.Orphans.RouteKey;
import dev.rewind.operator.store.RouteStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The safety net of an operator that watches every namespace: one cluster-wide list against the store's routes. */
@KubeApiTest
class OrphanRouteSweeperIT {

  @Test
  void routesWithoutARouteAreUnpublishedAndTheOthersKept(KubernetesClient admin, @TestNamespace String ns) {
    Crds.installed(admin);
    admin.resources(Route.class).inNamespace(ns).resource(newRoute("alive", "http://a." + ns + ".svc/", null))
        .create();
    try (TestStore journal = TestStore.create()) {
      RouteStore store = new RouteStore(journal.store, Duration.ofSeconds(5));
      store.publish(in(ns, "alive"));
      store.publish(in(ns, "ghost"));
      store.publish(in("gone-" + ns, "lonely"));

      assertThat(new OrphanRouteSweeper(admin, store, Set.of()).sweep())
          .containsExactly(new RouteKey("gone-" + ns, "lonely"), new RouteKey(ns, "ghost"));

      assertThat(store.published()).containsExactly(new RouteKey(ns, "alive"));
    }
  }

  private static ResolvedRoute in(String namespace, String name) {
    ResolvedRoute r = Routes.to(name, "http://" + name + ".example.com/", "maxAttempts: 2\n");
    return new ResolvedRoute(namespace, r.name(), r.generation(), r.spec(), r.policyName(), r.policyGeneration(),
        r.policySpec());
  }
}
