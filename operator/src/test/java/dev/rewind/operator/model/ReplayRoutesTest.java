package dev.rewind.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayRoutesTest {

  private static Route route(Long published, Condition ready) {
    Route route = new Route();
    RouteStatus status = new RouteStatus();
    status.setPublishedGeneration(published);
    status.setConditions(ready == null ? null : List.of(ready));
    route.setStatus(status);
    return route;
  }

  private static Condition ready(String status, String reason, String message) {
    Condition c = new Condition();
    c.setType(RouteStatus.READY);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    return c;
  }

  @Test
  void startsWhenEveryRouteWasPublishedOrDoesNotExistAtAll() {
    Map<String, Route> routes = Map.of("orders", route(3L, ready("True", "Published", "generation 3")));
    assertThat(ReplayRoutes.waitingFor(List.of("orders", "missing"), routes::get)).isNull();
  }

  @Test
  void anOlderPublishedGenerationIsEnoughToStart() {
    Map<String, Route> routes = Map.of("orders", route(1L, ready("False", "RetryPolicyNotFound", "edit refused")));
    assertThat(ReplayRoutes.waitingFor(List.of("orders"), routes::get)).isNull();
  }

  @Test
  void waitsForRoutesNeverPublishedSayingWhatTheirStatusSays() {
    Route noStatus = new Route();
    Map<String, Route> routes = Map.of(
        "fresh", noStatus,
        "refused", route(null, ready("False", "RetryPolicyNotFound", "RetryPolicy \"p\" not found")));
    assertThat(ReplayRoutes.waitingFor(List.of("fresh", "refused"), routes::get)).isEqualTo(
        "waiting for its routes: Route fresh is not published yet; Route refused is not published yet"
            + " (Ready False, RetryPolicyNotFound: RetryPolicy \"p\" not found)");
  }
}
