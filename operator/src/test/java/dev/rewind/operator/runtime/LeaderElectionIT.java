package dev.rewind.operator.runtime;

import static dev.rewind.operator.testing.Objects.newRoute;
import static dev.rewind.operator.testing.Statuses.isReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.store.RouteStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.OperatorRbac;
import dev.rewind.operator.testing.RunningOperator;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the operator in one JVM, each with its own client and identity, as the shipped ServiceAccount:
 * only the one holding the Lease reconciles; when it stops, the other takes over.
 */
@KubeApiTest
class LeaderElectionIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void onlyTheLeaderReconcilesAndTheOtherTakesOverWhenItStops(KubeTestBed kube, @TestNamespace String ns) {
    KubernetesClient admin = kube.adminClient();
    Crds.installed(admin);
    KubeUser serviceAccount = OperatorRbac.installFor(kube, ns);
    try (TestStore journal = TestStore.create();
        KubeUser clientA = kube.serviceAccount(ns, OperatorRbac.SERVICE_ACCOUNT);
        KubeUser clientB = kube.serviceAccount(ns, OperatorRbac.SERVICE_ACCOUNT);
        RunningOperator a = RunningOperator.start(clientA.client(), RunningOperator.electing(ns, "replica-a"),
            new RouteStore(journal.store, Duration.ofSeconds(5)));
        RunningOperator b = RunningOperator.start(clientB.client(), RunningOperator.electing(ns, "replica-b"),
            new RouteStore(journal.store, Duration.ofSeconds(5)))) {
      Map<String, RunningOperator> replicas = Map.of("replica-a", a, "replica-b", b);
      var routes = admin.resources(Route.class).inNamespace(ns);

      routes.resource(newRoute("first", "http://one." + ns + ".svc/", null)).create();
      await().atMost(WAIT).until(() -> isReady(routes.withName("first").get(), "True", "Published"));

      String leader = holder(admin, ns);
      String follower = leader.equals("replica-a") ? "replica-b" : "replica-a";
      assertThat(replicas.get(leader).reconciles.of(Route.KIND, ns, "first")).isPositive();
      assertThat(replicas.get(follower).reconciles.total()).isZero();

      replicas.get(leader).stop();
      routes.resource(newRoute("second", "http://two." + ns + ".svc/", null)).create();

      await().atMost(WAIT).until(() -> isReady(routes.withName("second").get(), "True", "Published"));
      assertThat(holder(admin, ns)).isEqualTo(follower);
      assertThat(replicas.get(follower).reconciles.of(Route.KIND, ns, "second")).isPositive();
      assertThat(journal.column("SELECT name FROM rewind.routes WHERE namespace = $1 ORDER BY name", ns))
          .containsExactly("first", "second");
      // A deliberate stop is not a lost lease: production would not exit on it.
      assertThat(a.leasesLost.get() + b.leasesLost.get()).isZero();
    }
    assertThat(serviceAccount.name()).isEqualTo("system:serviceaccount:" + ns + ":rewind-operator");
  }

  private static String holder(KubernetesClient admin, String ns) {
    Lease lease = admin.leases().inNamespace(ns).withName("rewind-operator").get();
    return lease.getSpec().getHolderIdentity();
  }
}
