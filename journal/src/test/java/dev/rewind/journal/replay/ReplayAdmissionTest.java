package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.Routes;
import java.time.Instant;
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
  void aStoredRefusalGivesBackItsReasonAndMessageAndAnOlderOneIsRefused() {
    ReplayRefusal refusal = new ReplayRefusal("RouteNotFound", "spec.routeRef.name: Route \"x\": not found");

    assertThat(ReplayRefusal.parse(refusal.stored())).isEqualTo(refusal);
    assertThat(ReplayRefusal.parse("override.retryPolicyRef: RetryPolicy \"p\" not found"))
        .isEqualTo(new ReplayRefusal("Refused", "override.retryPolicyRef: RetryPolicy \"p\" not found"));
  }
}
