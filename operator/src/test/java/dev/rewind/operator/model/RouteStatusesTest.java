package dev.rewind.operator.model;

import static dev.rewind.operator.testing.Objects.policy;
import static dev.rewind.operator.testing.Objects.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.route.RouteResolver;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The desired status of a Route for every outcome of a reconciliation, through the real resolver. */
class RouteStatusesTest {

  private static final Instant T1 = Instant.parse("2026-11-27T10:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-27T11:00:00Z");
  private static final RouteResolver RESOLVER = new RouteResolver(AddressPolicy.cluster());

  @Test
  void aResolvedRouteIsReadyWithItsPublishedAndPolicyGenerations() {
    Route route = route("ns", "orders", 3, "http://b.ns.svc/orders", "quick");
    RetryPolicy quick = policy("ns", "quick", 7, 5);

    RouteStatus status = desired(route, quick, T1);

    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getPublishedGeneration()).isEqualTo(3L);
    assertThat(status.getRetryPolicyGeneration()).isEqualTo(7L);
    assertThat(ready(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "Published");
    assertThat(ready(status).getMessage())
        .isEqualTo("generation 3 is published with RetryPolicy \"quick\" (generation 7)");
    assertThat(refs(status)).extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
        .containsExactly("True", "Resolved", "RetryPolicy \"quick\" (generation 7)");
    assertThat(status.getConditions()).allSatisfy(c -> {
      assertThat(c.getObservedGeneration()).isEqualTo(3L);
      assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
    });
  }

  @Test
  void aRouteWithoutPolicyIsPublishedWithNoRetries() {
    RouteStatus status = desired(route("ns", "plain", 1, "http://b.ns.svc/", null), null, T1);

    assertThat(status.getRetryPolicyGeneration()).isNull();
    assertThat(ready(status).getMessage()).contains("without a RetryPolicy");
    assertThat(refs(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "Resolved");
  }

  @Test
  void aMissingPolicyMakesTheRouteNotReadyAndNothingIsPublished() {
    RouteStatus status = desired(route("ns", "orders", 1, "http://b.ns.svc/", "quick"), null, T1);

    assertThat(status.getPublishedGeneration()).isNull();
    assertThat(ready(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "RetryPolicyNotFound");
    assertThat(ready(status).getMessage()).isEqualTo("RetryPolicy \"quick\" not found in namespace ns");
    assertThat(refs(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "RetryPolicyNotFound");
  }

  @Test
  void anInvalidPolicyIsReportedOnBothConditions() {
    RetryPolicy broken = policy("ns", "broken", 2, dev.rewind.operator.testing.Objects.backwardsRange());

    RouteStatus status = desired(route("ns", "orders", 1, "http://b.ns.svc/", "broken"), broken, T1);

    assertThat(ready(status).getReason()).isEqualTo("InvalidRetryPolicy");
    assertThat(refs(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "InvalidRetryPolicy");
    assertThat(refs(status).getMessage()).contains("504-500").contains("backwards");
  }

  @Test
  void aBlockedDestinationStillSaysWhetherThePolicyResolved() {
    RouteStatus status = desired(route("ns", "meta", 1, "http://169.254.169.254/", "quick"),
        policy("ns", "quick", 1, 3), T1);

    assertThat(ready(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "DestinationBlocked");
    assertThat(ready(status).getMessage()).contains("169.254.169.254").contains("169.254.0.0/16");
    assertThat(refs(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("True", "Resolved");
  }

  @Test
  void aRefusedEditKeepsThePublishedGenerationAndSaysItIsStillServed() {
    Route route = route("ns", "orders", 1, "http://b.ns.svc/", "quick");
    route.setStatus(desired(route, policy("ns", "quick", 4, 3), T1));
    Route edited = route("ns", "orders", 2, "http://169.254.169.254/", "quick");
    edited.setStatus(route.getStatus());

    RouteStatus status = desired(edited, policy("ns", "quick", 4, 3), T2);

    assertThat(status.getObservedGeneration()).isEqualTo(2L);
    assertThat(status.getPublishedGeneration()).isEqualTo(1L);
    assertThat(status.getRetryPolicyGeneration()).isEqualTo(4L);
    assertThat(ready(status).getMessage()).endsWith("; sidecars keep serving generation 1");
    assertThat(ready(status).getLastTransitionTime()).isEqualTo("2026-11-27T11:00:00Z");
    assertThat(refs(status).getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
  }

  @Test
  void aStoreFailureIsNotReadyStoreUnavailableAndRetried() {
    Route route = route("ns", "orders", 1, "http://b.ns.svc/", null);
    RouteOutcome failed = new RouteOutcome.Failed(RouteStatuses.STORE_UNAVAILABLE, "connection refused");

    RouteStatus status = RouteStatuses.desired(route, PolicyCheck.of(route, Optional.empty()), failed, null, T1);

    assertThat(ready(status)).extracting(Condition::getStatus, Condition::getReason, Condition::getMessage)
        .containsExactly("False", "StoreUnavailable", "connection refused; retrying");
    assertThat(refs(status).getStatus()).isEqualTo("True");
  }

  @Test
  void recomputingFromTheStoredStatusGivesAnEqualStatus() {
    Route route = route("ns", "orders", 3, "http://b.ns.svc/", "quick");
    RetryPolicy quick = policy("ns", "quick", 7, 5);
    route.setStatus(desired(route, quick, T1));

    assertThat(desired(route, quick, T2)).isEqualTo(route.getStatus());
  }

  @Test
  void aNewPolicyGenerationKeepsReadyTrueAndItsTransitionTime() {
    Route route = route("ns", "orders", 3, "http://b.ns.svc/", "quick");
    route.setStatus(desired(route, policy("ns", "quick", 7, 5), T1));

    RouteStatus status = desired(route, policy("ns", "quick", 8, 6), T2);

    assertThat(status).isNotEqualTo(route.getStatus());
    assertThat(status.getRetryPolicyGeneration()).isEqualTo(8L);
    assertThat(ready(status).getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(ready(status).getMessage()).contains("(generation 8)");
  }

  @Test
  void aDestinationPortOutOfRangeIsAnInvalidDestination() {
    // Used to be published Ready; the port cannot be connected to.
    RouteStatus status = desired(route("ns", "orders", 1, "http://b.ns.svc:99999/orders", null), null, T1);

    assertThat(status.getPublishedGeneration()).isNull();
    assertThat(ready(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "InvalidDestination");
    assertThat(ready(status).getMessage()).startsWith("destination.url must be an absolute http or https URL")
        .contains("port from 1 to 65535").endsWith("got \"http://b.ns.svc:99999/orders\"");
  }

  @Test
  void aHostWithAnUnderscoreIsAnInvalidDestination() {
    // java.net.URI quietly gives such a host as null.
    RouteStatus status = desired(route("ns", "orders", 1, "http://service_b.ns.svc/orders", null), null, T1);

    assertThat(ready(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "InvalidDestination");
    assertThat(ready(status).getMessage()).contains("a host of letters, digits, dots and hyphens");
  }

  @Test
  void aPolicyWithAnOverflowingDurationIsReportedOnBothConditions() {
    RetryPolicySpec spec = new RetryPolicySpec();
    spec.setMaxAge("99999999999h");
    RetryPolicy huge = policy("ns", "huge", 2, spec);

    RouteStatus status = desired(route("ns", "orders", 1, "http://b.ns.svc/", "huge"), huge, T1);

    assertThat(ready(status).getReason()).isEqualTo("InvalidRetryPolicy");
    assertThat(refs(status)).extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "InvalidRetryPolicy");
    assertThat(refs(status).getMessage()).startsWith("RetryPolicy \"huge\": maxAge: \"99999999999h\" is not a");
  }

  /** What the reconciler computes when publishing succeeds (or is not attempted). */
  private static RouteStatus desired(Route route, RetryPolicy policy, Instant now) {
    Map<String, RetryPolicy> policies = policy == null ? Map.of() : Map.of(policy.getMetadata().getName(), policy);
    RouteResolver.Result result = RESOLVER.resolve(route, policies);
    RouteOutcome outcome = result.ok() ? new RouteOutcome.Published(result.route())
        : new RouteOutcome.Refused(result.reason(), result.message());
    return RouteStatuses.desired(route, PolicyCheck.of(route, Optional.ofNullable(policy)), outcome, null, now);
  }

  private static Condition ready(RouteStatus status) {
    return StatusConditions.find(status.getConditions(), RouteStatus.READY).orElseThrow();
  }

  private static Condition refs(RouteStatus status) {
    return StatusConditions.find(status.getConditions(), RouteStatus.RESOLVED_REFS).orElseThrow();
  }
}
