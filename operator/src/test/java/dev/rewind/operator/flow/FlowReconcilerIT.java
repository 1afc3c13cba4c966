package dev.rewind.operator.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowStatus;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.config.OperatorSettings;
import dev.rewind.operator.model.FlowStatuses;
import dev.rewind.operator.model.StatusConditions;
import dev.rewind.operator.replay.RunningReplayOperator;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.OperatorRbac;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.search.Search;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Flow across two namespaces, evaluated by the operator against a real API server and a real journal, running as
 * its ServiceAccount with the shipped RBAC: its hops resolve only once the other namespace's Route shares its events,
 * and then its status counts the orders where they stand, names the broken ones, and says Healthy=False; a Replay's
 * flowRef dry run counts the same broken orders. Hops the API server accepts but that cannot be followed (a
 * missing Route, one without a correlation id, a loop) are named in Ready, and the Flow is followed once mended.
 */
@KubeApiTest
class FlowReconcilerIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void aFlowAcrossNamespacesCountsItsOrdersOnceTheOtherNamespaceSharesItsRoute(KubeTestBed kube,
      @TestNamespace String shop) throws Exception {
    KubernetesClient admin = kube.adminClient();
    Crds.installed(admin);
    String fulfilment = kube.newNamespace("fulfilment");
    KubeUser serviceAccount = OperatorRbac.installFor(kube, shop);
    try (TestStore journal = TestStore.create()) {
      OperatorSettings settings = RunningReplayOperator.withHealth(Set.of(shop, fulfilment), "flow-it", null);
      route(admin, shop, "erp-to-a", null);
      route(admin, shop, "a-to-b", null);
      route(admin, fulfilment, "b-to-partner", null);
      order(journal, shop, "erp-to-a", "ORD-1", 30, 30);
      order(journal, shop, "a-to-b", "ORD-1", 29, 29);
      order(journal, fulfilment, "b-to-partner", "ORD-1", 28, 28);
      // B accepted ORD-2 ten minutes ago and never passed it on.
      order(journal, shop, "erp-to-a", "ORD-2", 12, 12);
      order(journal, shop, "a-to-b", "ORD-2", 11, 10);
      try (RunningReplayOperator operator = RunningReplayOperator.start(serviceAccount.client(), settings,
          journal.store)) {
        var flows = admin.resources(Flow.class).inNamespace(shop);
        flows.resource(Serialization.unmarshal("""
            apiVersion: rewind.dev/v1alpha1
            kind: Flow
            metadata: {name: order-fulfilment}
            spec:
              hops:
                - routeRef: {name: erp-to-a}
                - routeRef: {name: a-to-b}
                - routeRef: {name: b-to-partner, namespace: %s}
              within: 5m
            """.formatted(fulfilment), Flow.class)).create();

        // Not shared yet: fulfilment's events are fulfilment's.
        Condition refused = await().atMost(WAIT).until(() -> condition(flows.withName("order-fulfilment").get(),
            FlowStatus.READY), Optional::isPresent).orElseThrow();
        assertThat(refused.getStatus()).isEqualTo("False");
        assertThat(refused.getReason()).isEqualTo(FlowStatuses.INVALID_HOPS);
        assertThat(refused.getMessage()).isEqualTo("spec.hops[2].routeRef: Route " + fulfilment
            + "/b-to-partner does not share its events with namespace " + shop
            + " (its annotation rewind.dev/flows-from must list it)");
        assertThat(flows.withName("order-fulfilment").get().getStatus().getEntered()).isNull();

        route(admin, fulfilment, "b-to-partner", shop);

        await().atMost(WAIT).until(() -> flows.withName("order-fulfilment").get().getStatus().getEntered() != null);
        FlowStatus status = flows.withName("order-fulfilment").get().getStatus();
        assertThat(List.of(status.getEntered(), status.getComplete(), status.getInFlight(), status.getFailed(),
            status.getBroken())).containsExactly(2L, 1L, 0L, 0L, 1L);
        assertThat(status.getBrokenSample()).containsExactly("ORD-2");
        assertThat(status.getHops()).extracting(FlowStatus.FlowHopStatus::getBrokenAfter).containsExactly(0L, 1L, 0L);
        assertThat(status.getEvaluatedAt()).isNotNull();
        assertThat(condition(flows.withName("order-fulfilment").get(), FlowStatus.READY).orElseThrow().getStatus())
            .isEqualTo("True");
        Condition healthy = condition(flows.withName("order-fulfilment").get(), FlowStatus.HEALTHY).orElseThrow();
        assertThat(healthy.getStatus()).isEqualTo("False");
        assertThat(healthy.getReason()).isEqualTo(FlowStatuses.ORDERS_BROKEN);
        assertThat(healthy.getMessage()).contains("1 orders broken", "ORD-2, after hop 1");
        // kubectl describe flow says so too: one Warning, counted if it repeats.
        Event warning = await().atMost(WAIT).until(() -> admin.v1().events()
            .inNamespace(shop).list().getItems().stream()
            .filter(e -> "Flow".equals(e.getInvolvedObject().getKind())
                && "order-fulfilment".equals(e.getInvolvedObject().getName())).toList(), l -> !l.isEmpty()).get(0);
        assertThat(warning.getType()).isEqualTo("Warning");
        assertThat(warning.getReason()).isEqualTo(FlowStatuses.ORDERS_BROKEN);
        assertThat(warning.getMessage()).isEqualTo(healthy.getMessage());
        assertThat(Search.in(operator.meters()).name("rewind.flow.orders")
            .tags("namespace", shop, "flow", "order-fulfilment", "state", "broken").gauge().value()).isEqualTo(1.0);

        ToolResult get = kube.run("kubectl", kube.kubeconfig(), "get", "flows", "-n", shop);
        assertThat(get.exitCode()).as(get.stderr()).isZero();
        assertThat(get.stdout()).containsPattern("order-fulfilment +3 +1 +0 +0 +1 +True");
        Path out = Files.createDirectories(Path.of("target", "it-output"));
        Files.writeString(out.resolve("kubectl-get-flows.txt"), "$ kubectl get flows -n shop\n" + get.stdout());

        // A Replay of the Flow's broken orders counts what the Flow counts; one naming a hop of another namespace,
        // or no Flow, is refused naming the field.
        var replays = admin.resources(Replay.class).inNamespace(shop);
        replays.resource(replay("mend-preview", "{name: order-fulfilment}")).create();
        replays.resource(replay("mend-partner-hop", "{name: order-fulfilment, hop: 2, state: failed}")).create();
        replays.resource(replay("mend-nothing", "{name: no-such-flow}")).create();
        Replay preview = awaitEnded(replays.withName("mend-preview"));
        assertThat(preview.getStatus().getPhase()).isEqualTo(ReplayPhase.Previewed);
        assertThat(preview.getStatus().getMatched()).isEqualTo(status.getBroken()).isEqualTo(1L);
        Replay otherNamespace = awaitEnded(replays.withName("mend-partner-hop"));
        assertThat(otherNamespace.getStatus().getPhase()).isEqualTo(ReplayPhase.Failed);
        assertThat(otherNamespace.getStatus().getMessage()).startsWith("spec.flowRef.hop: hop 2 (" + fulfilment
            + "/b-to-partner) is in namespace " + fulfilment);
        Replay missing = awaitEnded(replays.withName("mend-nothing"));
        assertThat(missing.getStatus().getPhase()).isEqualTo(ReplayPhase.Failed);
        assertThat(missing.getStatus().getMessage())
            .isEqualTo("spec.flowRef.name: Flow \"no-such-flow\" not found in namespace " + shop);

        // Deleted, the Flow goes (its finalizer removed) and so do its gauges: an alert on it resolves.
        assertThat(flows.withName("order-fulfilment").get().getMetadata().getFinalizers()).isNotEmpty();
        flows.withName("order-fulfilment").delete();
        await().atMost(WAIT).until(() -> flows.withName("order-fulfilment").get() == null);
        assertThat(Search.in(operator.meters()).name("rewind.flow.orders").tag("flow", "order-fulfilment").gauges())
            .isEmpty();
      }
    }
  }

  @Test
  void hopsTheApiServerAcceptsButThatCannotBeFollowedAreNamedInReadyAndFollowedOnceMended(KubeTestBed kube,
      @TestNamespace String shop) throws Exception {
    KubernetesClient admin = kube.adminClient();
    Crds.installed(admin);
    KubeUser serviceAccount = OperatorRbac.installFor(kube, shop);
    try (TestStore journal = TestStore.create()) {
      OperatorSettings settings = RunningReplayOperator.withHealth(Set.of(shop), "flow-bad-it", null);
      route(admin, shop, "erp-to-a", null);
      // A Route without a correlation id: its events cannot be linked to the other hops'.
      admin.resources(Route.class).inNamespace(shop).resource(Serialization.unmarshal("""
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: a-to-b}
          spec:
            destination: {url: "http://a-to-b.shop.svc:8080/"}
          """, Route.class)).serverSideApply();
      order(journal, shop, "erp-to-a", "ORD-1", 10, 10);
      try (RunningReplayOperator operator = RunningReplayOperator.start(serviceAccount.client(), settings,
          journal.store)) {
        var flows = admin.resources(Flow.class).inNamespace(shop);
        flows.resource(flow("gaps", "erp-to-a", "a-to-b", "b-to-partner")).create();
        flows.resource(flow("loops", "erp-to-a", "a-to-b", "erp-to-a")).create();

        Condition gaps = await().atMost(WAIT).until(() -> condition(flows.withName("gaps").get(),
            FlowStatus.READY), Optional::isPresent).orElseThrow();
        assertThat(gaps.getStatus()).isEqualTo("False");
        assertThat(gaps.getReason()).isEqualTo(FlowStatuses.INVALID_HOPS);
        assertThat(gaps.getMessage()).isEqualTo("spec.hops[1].routeRef: Route " + shop + "/a-to-b has no"
            + " spec.correlationId, so its events cannot be linked to the other hops'; spec.hops[2].routeRef: Route "
            + shop + "/b-to-partner not found");
        Condition loops = await().atMost(WAIT).until(() -> condition(flows.withName("loops").get(),
            FlowStatus.READY), Optional::isPresent).orElseThrow();
        assertThat(loops.getStatus()).isEqualTo("False");
        assertThat(loops.getReason()).isEqualTo(FlowStatuses.INVALID_HOPS);
        assertThat(loops.getMessage()).startsWith("spec.hops[2].routeRef: Route " + shop + "/erp-to-a is hop 0");
        assertThat(flows.withName("gaps").get().getStatus().getEntered()).as("no orders read").isNull();

        // Mended: the correlation id added, the missing Route applied; the Flow is followed without being touched.
        route(admin, shop, "a-to-b", null);
        route(admin, shop, "b-to-partner", null);
        await().atMost(WAIT).until(() -> flows.withName("gaps").get().getStatus().getEntered() != null);
        Flow mended = flows.withName("gaps").get();
        assertThat(condition(mended, FlowStatus.READY).orElseThrow().getReason()).isEqualTo(FlowStatuses.RESOLVED);
        assertThat(mended.getStatus().getEntered()).isEqualTo(1L);
        assertThat(condition(flows.withName("loops").get(), FlowStatus.READY).orElseThrow().getStatus())
            .as("a loop stays refused").isEqualTo("False");
      }
    }
  }

  private static Flow flow(String name, String... hops) {
    StringBuilder yaml = new StringBuilder("""
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: %s}
        spec:
          within: 5m
          hops:
        """.formatted(name));
    for (String hop : hops) {
      yaml.append("    - routeRef: {name: ").append(hop).append("}\n");
    }
    return Serialization.unmarshal(yaml.toString(), Flow.class);
  }

  private static void route(KubernetesClient admin, String namespace, String name, String sharedWith) {
    Route route = Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: %s}
        spec:
          destination: {url: "http://%s.%s.svc:8080/"}
          correlationId: {header: X-Order-Id}
        """.formatted(name, name, namespace), Route.class);
    if (sharedWith != null) {
      route.getMetadata().setAnnotations(java.util.Map.of("rewind.dev/flows-from", sharedWith));
    }
    admin.resources(Route.class).inNamespace(namespace).resource(route).serverSideApply();
  }

  private static void order(TestStore journal, String namespace, String route, String order, long minutesAgo,
      long deliveredMinutesAgo) {
    JournalSeed.in(journal).namespace(namespace).route(route, "http://" + route + "/")
        .state(EventState.DELIVERED, "delivered", 1).age(Duration.ofMinutes(minutesAgo))
        .completedAgo(Duration.ofMinutes(deliveredMinutesAgo)).correlation(i -> order).append(1);
  }

  private static Replay replay(String name, String flowRef) {
    return Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: %s}
        spec: {flowRef: %s, dryRun: true}
        """.formatted(name, flowRef), Replay.class);
  }

  private static Replay awaitEnded(Resource<Replay> replay) {
    return await().atMost(WAIT).until(replay::get, r -> r.getStatus() != null && r.getStatus().getPhase() != null
        && r.getStatus().getPhase() != ReplayPhase.Pending && r.getStatus().getPhase() != ReplayPhase.Running);
  }

  private static Optional<Condition> condition(Flow flow, String type) {
    return flow == null || flow.getStatus() == null ? Optional.empty()
        : StatusConditions.find(flow.getStatus().getConditions(), type);
  }
}
