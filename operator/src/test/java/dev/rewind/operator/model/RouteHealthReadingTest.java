package dev.rewind.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.route.RouteDelivery;
import dev.rewind.journal.health.HealthVerdict;
import dev.rewind.journal.health.RouteHealth;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a Route's status shows of its destination's circuit. */
class RouteHealthReadingTest {

  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  private static RouteHealth health(RouteHealth.Circuit circuit) {
    return new RouteHealth("shop", "orders", 7, 0, 2, 0, 0, 0, null, NOW.minusSeconds(90), null, NOW,
        NOW.minus(Duration.ofMinutes(1)), circuit);
  }

  @Test
  void aHeldDestinationShowsItsCircuitAndTheHeldCount() {
    RouteHealthReading r = RouteHealthReading.judge(health(new RouteHealth.Circuit(RouteHealth.Circuit.HELD,
        Instant.parse("2026-12-06T09:58:00Z"), "no ready endpoints for Service shop/service-b")),
        Duration.ofMinutes(5), 1, null);
    RouteDelivery d = r.delivery();

    assertThat(r.verdict().reason()).isEqualTo(HealthVerdict.HELD);
    assertThat(d.getCircuit()).isEqualTo(new RouteDelivery.Circuit("held", "2026-12-06T09:58:00Z",
        "no ready endpoints for Service shop/service-b"));
    assertThat(d.getHeld()).isEqualTo(9);
    assertThat(d.getBacklog()).isEqualTo(9);
  }

  @Test
  void aDrainingCircuitShowsNoHeldCountAndAClosedOneNothing() {
    RouteDelivery draining = RouteHealthReading.judge(health(new RouteHealth.Circuit("draining",
        Instant.parse("2026-12-06T09:58:00Z"), null)), Duration.ofMinutes(5), 1, null).delivery();
    RouteDelivery closed = RouteHealthReading.judge(health(null), Duration.ofMinutes(5), 1, null).delivery();

    assertThat(draining.getCircuit().getState()).isEqualTo("draining");
    assertThat(draining.getHeld()).isNull();
    assertThat(closed.getCircuit()).isNull();
    assertThat(closed.getHeld()).isNull();
  }
}
