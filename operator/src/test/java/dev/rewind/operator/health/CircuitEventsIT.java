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
import dev.rewind.operator.testing.RouteEvents;
import dev.rewind.testbed.Conflicts;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What on-call sees of a circuit, against a real API server and a real journal, the operator running as its
 * ServiceAccount: a paused Route and a Route whose destination's breaker opens each get a status circuit, a
 * Healthy condition that says why their events wait, and one Kubernetes Event per phase (not one per refresh, not
 * one per failed probe); when nothing holds them any more, a Normal {@code CircuitClosed} Event. The breaker row is
 * written here as a sidecar's worker writes it when its failure count trips (the breaker itself is proven in the
 * journal's CircuitBreakerIT).
 */
@KubeApiTest
class CircuitEventsIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void pausedAndOpenCircuitsAreShownAndReportedOncePerPhase(KubeTestBed kube, @TestNamespace String ns) {
    KubernetesClient admin = kube.adminClient();
    Crds.installed(admin);
    KubeUser serviceAccount = OperatorRbac.installFor(kube, ns);
    try (TestStore journal = TestStore.create()) {
      OperatorSettings settings = RunningReplayOperator.withHealth(Set.of(ns), "circuit-events", null);
      try (RunningReplayOperator operator = RunningReplayOperator.start(serviceAccount.client(), settings,
          journal.store)) {
        var routes = admin.resources(Route.class).inNamespace(ns);
        String partner = "http://partner.example.com:8443";
        Route paused = newRoute("paused-orders", "http://billing.example.com/orders", null);
        paused.getSpec().setPaused(true);
        routes.resource(paused).create();
        routes.resource(newRoute("partner-orders", partner + "/orders", null)).create();
        JournalSeed.in(journal).namespace(ns).route("paused-orders", "http://billing.example.com/orders")
            .state(EventState.PENDING, null, 0).append(2);
        JournalSeed.in(journal).namespace(ns).route("partner-orders", partner + "/orders")
            .state(EventState.PENDING, null, 0).append(4);

        // Paused: held on purpose, said so, a Normal Event.
        await().atMost(WAIT).until(() -> reason(routes.withName("paused-orders").get())
            .equals(Optional.of(HealthVerdict.PAUSED)));
        RouteDelivery pausedDelivery = routes.withName("paused-orders").get().getStatus().getDelivery();
        assertThat(pausedDelivery.getCircuit().getState()).isEqualTo("paused");
        assertThat(pausedDelivery.getHeld()).isEqualTo(2);
        assertThat(healthy(routes.withName("paused-orders").get()).orElseThrow().getMessage())
            .contains("paused", "2 events held");
        await().atMost(WAIT).until(() -> RouteEvents.reasons(admin, ns, "paused-orders")
            .contains(HealthVerdict.PAUSED));
        assertThat(event(admin, ns, "paused-orders", HealthVerdict.PAUSED).getType()).isEqualTo("Normal");

        // The partner's breaker opens (as a sidecar's worker opens it): CircuitOpen, a Warning.
        journal.column("INSERT INTO rewind.breakers (namespace, destination, state, opened_at, open_for_ms,"
            + " last_failure) VALUES ($2, $1, 'open', now(), 30000, '503')", partner, ns);
        await().atMost(WAIT).until(() -> reason(routes.withName("partner-orders").get())
            .equals(Optional.of(HealthVerdict.CIRCUIT_OPEN)));
        assertThat(routes.withName("partner-orders").get().getStatus().getDelivery().getHeld()).isEqualTo(4);
        await().atMost(WAIT).until(() -> RouteEvents.reasons(admin, ns, "partner-orders")
            .contains(HealthVerdict.CIRCUIT_OPEN));
        assertThat(event(admin, ns, "partner-orders", HealthVerdict.CIRCUIT_OPEN).getType()).isEqualTo("Warning");
        // A probe that fails and one being probed are one phase: no second Event.
        journal.column("UPDATE rewind.breakers SET state = 'half_open', probe_owner = 'w', probe_until ="
            + " now() + interval '1 minute', changed_at = now() WHERE destination = $1", partner);
        await().atMost(WAIT).until(() -> routes.withName("partner-orders").get().getStatus().getDelivery()
            .getCircuit().getState().equals("half_open"));
        assertThat(event(admin, ns, "partner-orders", HealthVerdict.CIRCUIT_OPEN).getCount()).isEqualTo(1);

        // Recovered and drained: the circuit is gone from the status, a Normal CircuitClosed.
        journal.column("UPDATE rewind.breakers SET state = 'closed', probe_owner = NULL, probe_until = NULL,"
            + " changed_at = now() WHERE destination = $1", partner);
        await().atMost(WAIT).until(() -> RouteEvents.reasons(admin, ns, "partner-orders").contains("CircuitClosed")
            && routes.withName("partner-orders").get().getStatus().getDelivery().getCircuit() == null);
        assertThat(event(admin, ns, "partner-orders", "CircuitClosed").getType()).isEqualTo("Normal");

        // Unpaused: the same.
        // The operator writes this Route's status meanwhile: retry a conflicting edit as kubectl edit would.
        Conflicts.retry(() -> routes.withName("paused-orders").edit(r -> {
          r.getSpec().setPaused(false);
          return r;
        }));
        await().atMost(WAIT).until(() -> RouteEvents.reasons(admin, ns, "paused-orders").contains("CircuitClosed"));
        assertThat(event(admin, ns, "paused-orders", "CircuitClosed").getMessage()).contains("no longer paused");
        assertThat(event(admin, ns, "paused-orders", HealthVerdict.PAUSED).getCount()).isEqualTo(1);
      }
    }
  }

  private static Event event(KubernetesClient admin, String ns, String route, String reason) {
    return RouteEvents.of(admin, ns, route).stream().filter(e -> reason.equals(e.getReason())).findFirst()
        .orElseThrow();
  }

  private static Optional<String> reason(Route route) {
    return healthy(route).map(Condition::getReason);
  }

  private static Optional<Condition> healthy(Route route) {
    return route == null || route.getStatus() == null ? Optional.empty()
        : StatusConditions.find(route.getStatus().getConditions(), RouteStatus.HEALTHY);
  }
}
