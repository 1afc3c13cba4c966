package dev.rewind.operator.health;

import static dev.rewind.operator.testing.Objects.newRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteDelivery;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import dev.rewind.journal.health.HealthVerdict;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.config.OperatorSettings;
import dev.rewind.operator.model.StatusConditions;
import dev.rewind.operator.replay.RunningReplayOperator;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.OperatorRbac;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.search.Search;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes-aware hold against a real API server and a real PostgreSQL journal, the operator running as its
 * ServiceAccount with the shipped RBAC: a Route delivering to an in-cluster Service whose EndpointSlices have no
 * ready endpoint gets its destination's breaker row held, with a reason naming the Service, and the Route's status
 * shows the circuit, the events held and a Healthy condition saying why; an endpoint turning ready clears it; a Route deleted releases its destination. (The test bed runs no controller manager: the
 * EndpointSlices are written here, as the EndpointSlice controller would.)
 */
@KubeApiTest
class EndpointHoldIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void noReadyEndpointHoldsTheDestinationAndAReadyOneReleasesIt(KubeTestBed kube, @TestNamespace String ns) {
    KubernetesClient admin = kube.adminClient();
    Crds.installed(admin);
    KubeUser serviceAccount = OperatorRbac.installFor(kube, ns);
    try (TestStore journal = TestStore.create()) {
      OperatorSettings settings = RunningReplayOperator.withHealth(Set.of(ns), "hold-it", null, true);
      try (RunningReplayOperator operator = RunningReplayOperator.start(serviceAccount.client(), settings,
          journal.store)) {
        service(admin, ns, "service-b");
        admin.resource(slice(ns, "service-b", "service-b-1", false)).create();
        service(admin, ns, "service-c");
        admin.resource(slice(ns, "service-c", "service-c-1", true)).create();
        var routes = admin.resources(Route.class).inNamespace(ns);
        routes.resource(newRoute("orders", "http://service-b." + ns + ".svc:8080/orders", null)).create();
        routes.resource(newRoute("invoices", "http://service-b." + ns + ".svc.cluster.local:8080/invoices", null))
            .create();
        routes.resource(newRoute("payments", "http://service-c." + ns + "/payments", null)).create();
        String b = "http://service-b." + ns + ".svc:8080";
        String bLong = "http://service-b." + ns + ".svc.cluster.local:8080";
        String c = "http://service-c." + ns + ":80";
        String reason = "no ready endpoints for Service " + ns + "/service-b";

        // No ready endpoint: both destinations naming the Service are held; the Service with one is not.
        await().atMost(WAIT).until(() -> holdReason(journal, b).equals(Optional.of(reason))
            && holdReason(journal, bLong).equals(Optional.of(reason)));
        assertThat(holdReason(journal, c)).isEmpty();
        assertThat(journal.column("SELECT state FROM rewind.breakers WHERE destination = $1", b))
            .containsExactly("closed");

        // The Route says so: its circuit, the events held, and the Healthy condition.
        JournalSeed.in(journal).namespace(ns).route("orders", "http://service-b." + ns + ".svc:8080/orders")
            .state(EventState.PENDING, null, 0).append(3);
        await().atMost(WAIT).until(() -> healthy(routes.withName("orders").get())
            .filter(h -> h.getReason().equals(HealthVerdict.HELD) && h.getMessage().contains("3 events held"))
            .isPresent());
        Route held = routes.withName("orders").get();
        RouteDelivery delivery = held.getStatus().getDelivery();
        assertThat(delivery.getCircuit().getState()).isEqualTo("held");
        assertThat(delivery.getCircuit().getHoldReason()).isEqualTo(reason);
        assertThat(delivery.getCircuit().getSince()).isNotNull();
        assertThat(delivery.getHeld()).isEqualTo(3);
        Condition condition = healthy(held).orElseThrow();
        assertThat(condition.getStatus()).isEqualTo("False");
        assertThat(condition.getMessage()).contains("held since " + delivery.getCircuit().getSince(), reason);
        assertThat(healthy(routes.withName("payments").get()).map(Condition::getReason))
            .isNotEqualTo(Optional.of(HealthVerdict.HELD));
        // The leader's gauge, for alerting.
        await().atMost(WAIT).until(() -> circuitOpen(operator, ns, "orders") == 1.0);

        // An endpoint turns ready (a second slice): released.
        admin.resource(slice(ns, "service-b", "service-b-2", true)).create();
        await().atMost(WAIT).until(() -> holdReason(journal, b).isEmpty() && holdReason(journal, bLong).isEmpty());
        await().atMost(WAIT).until(() -> routes.withName("orders").get().getStatus().getDelivery().getCircuit() == null
            && healthy(routes.withName("orders").get()).filter(h -> !h.getReason().equals(HealthVerdict.HELD))
                .isPresent());
        await().atMost(WAIT).until(() -> circuitOpen(operator, ns, "orders") == 0.0);
        assertThat(journal.column("SELECT count(*) FROM rewind.breakers WHERE destination = $1", b))
            .containsExactly("1");

        // It goes away again, then service-c's only endpoint stops being ready.
        admin.resources(EndpointSlice.class).inNamespace(ns).withName("service-b-2").delete();
        admin.resource(slice(ns, "service-c", "service-c-1", false)).forceConflicts().serverSideApply();
        await().atMost(WAIT).until(() -> holdReason(journal, b).equals(Optional.of(reason))
            && holdReason(journal, c).equals(Optional.of("no ready endpoints for Service " + ns + "/service-c")));

        // The Route is deleted: nothing holds its destination any more.
        routes.withName("payments").delete();
        await().atMost(WAIT).until(() -> holdReason(journal, c).isEmpty());
        assertThat(holdReason(journal, b)).contains(reason);
      }
    }
  }

  private static double circuitOpen(RunningReplayOperator operator, String ns, String route) {
    Gauge gauge = Search.in(operator.meters()).name("rewind.route.circuit.open").tags("namespace", ns, "route", route)
        .gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  private static Optional<Condition> healthy(Route route) {
    return route.getStatus() == null ? Optional.empty()
        : StatusConditions.find(route.getStatus().getConditions(), RouteStatus.HEALTHY);
  }

  private static void service(KubernetesClient admin, String ns, String name) {
    admin.resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewSpec().addNewPort().withPort(8080).endPort().endSpec().build()).create();
  }

  private static EndpointSlice slice(String ns, String service, String name, boolean ready) {
    return new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .addToLabels("kubernetes.io/service-name", service)
        .addToLabels("endpointslice.kubernetes.io/managed-by", "rewind-test").endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("10.0.0." + (ready ? 1 : 2)).withNewConditions().withReady(ready)
        .endConditions().endEndpoint()
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .build();
  }

  /** The destination's hold_reason; empty when the row has none (or there is no row). */
  private static Optional<String> holdReason(TestStore journal, String destination) {
    List<String> reasons = journal.column("SELECT hold_reason FROM rewind.breakers WHERE destination = $1",
        destination);
    return reasons.isEmpty() ? Optional.empty() : Optional.ofNullable(reasons.get(0));
  }
}
