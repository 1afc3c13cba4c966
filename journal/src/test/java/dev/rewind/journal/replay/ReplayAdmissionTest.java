package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.Routes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a new replay is refused for, and with which reason, before the store is touched. */
class ReplayAdmissionTest {

  private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");
  private static final ResolvedRoute ORDERS = Routes.to("orders", "http://service-b/orders", "maxAttempts: 1\n");

  private static ReplayAdmission admit(String spec, ResolvedRoute... routes) {
    return ReplayAdmission.of(Replays.request("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: patient}
        spec: {maxAttempts: 5}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: r, namespace: shop}
        spec: %s
        """.formatted(spec), routes), START);
  }

  @Test
  void aReplayOfExistingRoutesAndPolicyIsAdmittedWithItsSelectionAndPolicy() {
    ReplayAdmission admission = admit("{routeRef: {name: orders}, since: 1h,"
        + " override: {retryPolicyRef: {name: patient}}}", ORDERS);

    assertThat(admission.admitted()).isTrue();
    assertThat(admission.selection().since()).isEqualTo(Instant.parse("2026-11-27T11:00:00Z"));
    assertThat(admission.overridePolicy().getMaxAttempts()).isEqualTo(5);
  }

  @Test
  void eachRefusalNamesTheFieldAndCarriesItsReason() {
    assertThat(admit("{routeRef: {name: ordesr}}", ORDERS).refusal()).isEqualTo(new ReplayRefusal(
        "RouteNotFound", "spec.routeRef.name: Route \"ordesr\" not found in namespace shop"));
    assertThat(admit("{routes: [orders, a, b]}", ORDERS).refusal()).isEqualTo(new ReplayRefusal(
        "RouteNotFound", "spec.routes: Routes \"a\", \"b\" not found in namespace shop"));
    assertThat(admit("{routeRef: {name: orders}, override: {retryPolicyRef: {name: nowhere}}}", ORDERS).refusal())
        .isEqualTo(new ReplayRefusal("RetryPolicyNotFound",
            "spec.override.retryPolicyRef.name: RetryPolicy \"nowhere\" not found in namespace shop"));
    // Admitted by the schema (a duration and a timestamp cannot be ordered before the replay starts), refused then.
    assertThat(admit("{routeRef: {name: orders}, since: 2h, until: \"2020-01-01T00:00:00Z\"}", ORDERS).refusal())
        .extracting(ReplayRefusal::reason).isEqualTo("InvalidSpec");
  }

  @Test
  void theSelectorsAreCheckedFirstThenTheRoutesThenThePolicy() {
    assertThat(admit("{routeRef: {name: gone}, since: 2h, until: \"2020-01-01T00:00:00Z\","
        + " override: {retryPolicyRef: {name: nowhere}}}").refusal().message()).startsWith("spec.until: ");
    assertThat(admit("{routeRef: {name: gone}, override: {retryPolicyRef: {name: nowhere}}}").refusal().reason())
        .isEqualTo("RouteNotFound");
  }

  @Test
  void aFlowReplayIsAdmittedForItsHopsHereOrRefusedNamingTheFlowField() {
    FlowHops flow = new FlowHops(List.of(new FlowHops.Hop("shop", "orders"),
        new FlowHops.Hop("fulfilment", "to-partner")), Duration.ofMinutes(5), Duration.ofHours(1));
    ReplayAdmission admitted = flowAdmission("{flowRef: {name: chain}}", new FlowRoutes(flow, List.of()));

    assertThat(admitted.refusal()).isNull();
    assertThat(admitted.selection().routes()).containsExactly("orders");
    assertThat(admitted.selection().states()).containsExactly(EventState.DELIVERED);
    // Narrowed to the stopped orders only once the verdict is read, when the set is fixed.
    assertThat(admitted.selection().orders()).isNull();
    assertThat(admitted.flow().hops()).containsExactly(0);

    assertThat(flowAdmission("{flowRef: {name: chain}}", null).refusal()).isEqualTo(new ReplayRefusal(
        "FlowNotFound", "spec.flowRef.name: Flow \"chain\" not found in namespace shop"));
    assertThat(flowAdmission("{flowRef: {name: chain}}",
        new FlowRoutes(null, List.of("spec.hops[1].routeRef: Route fulfilment/to-partner not found"))).refusal())
        .isEqualTo(new ReplayRefusal("FlowNotReady", "spec.flowRef.name: Flow \"chain\" cannot be evaluated:"
            + " spec.hops[1].routeRef: Route fulfilment/to-partner not found"));
    assertThat(flowAdmission("{flowRef: {name: chain, hop: 1, state: failed}}", new FlowRoutes(flow, List.of()))
        .refusal()).extracting(ReplayRefusal::reason, r -> r.message().substring(0, 24))
        .containsExactly("InvalidSpec", "spec.flowRef.hop: hop 1 ");
    // The hop's Route exists but was never published to the route catalog: refused as any missing route.
    assertThat(ReplayAdmission.of(Replays.request(replay("{flowRef: {name: chain}}"), new FlowRoutes(flow,
        List.of())), START).refusal()).isEqualTo(new ReplayRefusal("RouteNotFound",
        "spec.flowRef.name: Route \"orders\" not found in namespace shop"));
  }

  private static ReplayAdmission flowAdmission(String spec, FlowRoutes flow) {
    return ReplayAdmission.of(Replays.request(replay(spec), flow, ORDERS), START);
  }

  private static String replay(String spec) {
    return """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: r, namespace: shop}
        spec: %s
        """.formatted(spec);
  }

  @Test
  void aStoredRefusalGivesBackItsReasonAndMessageAndAnOlderOneIsRefused() {
    ReplayRefusal refusal = new ReplayRefusal("RouteNotFound", "spec.routeRef.name: Route \"x\": not found");

    assertThat(ReplayRefusal.parse(refusal.stored())).isEqualTo(refusal);
    assertThat(ReplayRefusal.parse("override.retryPolicyRef: RetryPolicy \"p\" not found"))
        .isEqualTo(new ReplayRefusal("Refused", "override.retryPolicyRef: RetryPolicy \"p\" not found"));
  }
}
