package dev.rewind.operator.health;

import static dev.rewind.operator.testing.Objects.newRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteDelivery;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import dev.rewind.journal.health.HealthVerdict;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.config.OperatorSettings;
import dev.rewind.operator.model.StatusConditions;
import dev.rewind.operator.replay.RunningReplayOperator;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.OperatorRbac;
import dev.rewind.operator.testing.RouteEvents;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.search.Search;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Delivery health on a Route, end to end against a real API server, a real PostgreSQL journal and a real HTTP
 * destination, the operator running as its ServiceAccount with the shipped RBAC: events no sidecar delivers are
 * taken over by the operator, the destination answers 503 so they die, and the Route says so (status, printer
 * columns, a Warning Event, gauges) within the refresh interval; once the destination answers again a Replay
 * re-delivers them and the Route returns to Healthy=True. {@code kubectl get routes} is kept in
 * {@code target/it-output/kubectl-get-routes-health.txt} (the README shows it).
 */
@KubeApiTest
class RouteHealthIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void deadEventsMakeTheRouteUnhealthyWithAnEventAndAReplayMakesItHealthyAgain(KubeTestBed kube,
      @TestNamespace String ns) throws IOException {
    KubernetesClient admin = kube.adminClient();
    Crds.installed(admin);
    KubeUser serviceAccount = OperatorRbac.installFor(kube, ns);
    AtomicBoolean down = new AtomicBoolean(true);
    try (TestStore journal = TestStore.create();
        // The operator refuses loopback destinations, as in a cluster: the sink listens on this host's address.
        HttpSink sink = HttpSink.startOnHostAddress()
            .answer(r -> down.get() ? HttpSink.Answer.status(503) : HttpSink.Answer.status(200))) {
      OperatorSettings settings = RunningReplayOperator.withHealth(Set.of(ns), "health-it", Duration.ofSeconds(1));
      try (RunningReplayOperator operator = RunningReplayOperator.start(serviceAccount.client(), settings,
          journal.store)) {
        var routes = admin.resources(Route.class).inNamespace(ns);
        // No RetryPolicy: one attempt per event, so a 503 kills it.
        routes.resource(newRoute("orders", sink.url("/orders"), null)).create();
        routes.resource(newRoute("quiet", sink.url("/quiet"), null)).create();
        await().atMost(WAIT).until(() -> healthy(routes.withName("quiet").get())
            .filter(c -> c.getStatus().equals("True") && c.getReason().equals(HealthVerdict.IDLE)).isPresent());

        // Captured by a sidecar that went away before delivering them: the operator takes them over.
        List<UUID> orders = JournalSeed.in(journal).namespace(ns).route("orders", sink.url("/orders"))
            .state(EventState.PENDING, null, 0).append(6);
        journal.column("UPDATE rewind.events SET next_attempt_at = now() - interval '1 minute' WHERE id = ANY($1)"
            + " RETURNING id", (Object) orders.toArray(UUID[]::new));

        await().atMost(WAIT).until(() -> healthy(routes.withName("orders").get())
            .filter(c -> c.getReason().equals(HealthVerdict.EVENTS_DEAD)).isPresent()
            && routes.withName("orders").get().getStatus().getDelivery().getDead() == 6);
        Route sick = routes.withName("orders").get();
        Condition unhealthy = healthy(sick).orElseThrow();
        assertThat(unhealthy.getStatus()).isEqualTo("False");
        assertThat(unhealthy.getMessage()).contains("6 events dead", "the latest with outcome 503",
            "Replay of route orders selecting state dead");
        RouteDelivery delivery = sick.getStatus().getDelivery();
        assertThat(delivery.getBacklog()).isZero();
        assertThat(delivery.getDestinationFailing()).isTrue();
        assertThat(delivery.getLastFailure().getStatusCode()).isEqualTo(503);
        assertThat(delivery.getWindow()).isEqualTo("1m");
        // Published still: health is its own condition.
        assertThat(StatusConditions.find(sick.getStatus().getConditions(), RouteStatus.READY).orElseThrow()
            .getStatus()).isEqualTo("True");
        // One Warning per kind, however many events: EventsDead aggregates, DestinationFailing on the change.
        await().atMost(WAIT).until(() -> RouteEvents.reasons(admin, ns, "orders").containsAll(
            List.of(HealthVerdict.EVENTS_DEAD, HealthVerdict.DESTINATION_FAILING)));
        List<Event> warnings = RouteEvents.of(admin, ns, "orders");
        assertThat(warnings).filteredOn(e -> e.getReason().equals(HealthVerdict.EVENTS_DEAD)).singleElement()
            .satisfies(e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage()).contains("died since the last health refresh", "6 dead in all");
              assertThat(e.getInvolvedObject().getUid()).isEqualTo(sick.getMetadata().getUid());
            });
        // The leader's gauges, for the chart's alerts.
        assertThat(Search.in(operator.meters()).name("rewind.route.events")
            .tags("namespace", ns, "route", "orders", "state", "dead").gauge().value()).isEqualTo(6.0);
        assertThat(Search.in(operator.meters()).name("rewind.route.healthy")
            .tags("namespace", ns, "route", "orders").gauge().value()).isZero();
        String sickOutput = kubectlGetRoutes(kube, ns);

        down.set(false);
        admin.resources(Replay.class).inNamespace(ns).resource(Serialization.unmarshal("""
            apiVersion: rewind.dev/v1alpha1
            kind: Replay
            metadata: {name: orders-outage}
            spec: {routeRef: {name: orders}, rateLimit: 0}
            """, Replay.class)).create();
        await().atMost(WAIT).until(() -> {
          Replay r = admin.resources(Replay.class).inNamespace(ns).withName("orders-outage").get();
          return r.getStatus() != null && r.getStatus().getPhase() == ReplayPhase.Succeeded;
        });

        await().atMost(WAIT).until(() -> healthy(routes.withName("orders").get())
            .filter(c -> c.getStatus().equals("True")).isPresent());
        Route well = routes.withName("orders").get();
        assertThat(healthy(well).orElseThrow().getReason()).isEqualTo(HealthVerdict.DELIVERING);
        assertThat(well.getStatus().getDelivery().getDead()).isZero();
        assertThat(well.getStatus().getDelivery().getDeliveredRecently()).isEqualTo(6);
        assertThat(well.getStatus().getDelivery().getDestinationFailing()).isFalse();
        await().atMost(WAIT).until(() -> RouteEvents.reasons(admin, ns, "orders").containsAll(
            List.of(RouteStatus.HEALTHY, "DestinationRecovered")));
        assertThat(sink.received()).filteredOn(r -> r.path().equals("/orders"))
            .extracting(r -> r.header("Rewind-Event-Id")).filteredOn(id -> orders.contains(UUID.fromString(id)))
            .hasSize(12);
        // The other Route never had anything to say.
        assertThat(RouteEvents.of(admin, ns, "quiet")).isEmpty();

        Path out = Path.of("target", "it-output");
        Files.createDirectories(out);
        Files.writeString(out.resolve("kubectl-get-routes-health.txt"), "$ kubectl get routes -n " + ns
            + "    # 6 events dead\n" + sickOutput + "\n$ kubectl get routes -n " + ns + "    # after the Replay\n"
            + kubectlGetRoutes(kube, ns));
      }
    }
  }

  private static Optional<Condition> healthy(Route route) {
    return route == null || route.getStatus() == null ? Optional.empty()
        : StatusConditions.find(route.getStatus().getConditions(), RouteStatus.HEALTHY);
  }

  private static String kubectlGetRoutes(KubeTestBed kube, String ns) {
    ToolResult get = kube.run("kubectl", kube.kubeconfig(), "get", "routes.rewind.dev", "-n", ns);
    assertThat(get.exitCode()).as(get.stderr()).isZero();
    return get.stdout();
  }
}
