package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.replay.spec.ReplayOverride;
import dev.rewind.api.v1alpha1.route.spec.Destination;
import dev.rewind.api.v1alpha1.route.spec.KafkaDestination;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.Routes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a replay sends the events of a Kafka route, and with whose Kafka settings. */
class ReplayPlanKafkaTest {

  private static final ResolvedRoute ORDERS = Routes.one("""
      apiVersion: rewind.dev/v1alpha1
      kind: Route
      metadata: {name: orders}
      spec:
        destination:
          kafka: {bootstrapServers: ["k-0:9092"], topic: orders, key: correlationId}
      """);

  private static ReplayPlan plan(Destination override) {
    ReplaySpec spec = new ReplaySpec();
    spec.setRoutes(List.of("orders"));
    if (override != null) {
      ReplayOverride o = new ReplayOverride();
      o.setDestination(override);
      spec.setOverride(o);
    }
    return new ReplayPlan("default", spec, null, Map.of(ORDERS.name(), ORDERS), spec.routeNames());
  }

  @Test
  void withoutAnOverrideEventsGoToTheirRoutesTopicWithItsSettings() {
    ReplayPlan plan = plan(null);

    assertThat(plan.destination("orders", "kafka://k-0:9092/orders", "some/suffix"))
        .isEqualTo("kafka://k-0:9092/orders");
    assertThat(plan.kafka("orders").getKey()).isEqualTo("correlationId");
  }

  @Test
  void anOverrideRedirectsToAnotherTopicWithTheOverridesSettings() {
    KafkaDestination rescue = new KafkaDestination(List.of("k-9:9093"), "orders-rescued");
    ReplayPlan plan = plan(Destination.kafka(rescue));

    assertThat(plan.destination("orders", "kafka://k-0:9092/orders", "")).isEqualTo("kafka://k-9:9093/orders-rescued");
    assertThat(plan.overrideDestination()).isEqualTo("kafka://k-9:9093/orders-rescued");
    assertThat(plan.kafka("orders")).isSameAs(rescue);
  }

  @Test
  void anOverrideToAUrlSendsOverHttp() {
    ReplayPlan plan = plan(new Destination("http://archive:8080/orders"));

    assertThat(plan.destination("orders", "kafka://k-0:9092/orders", "")).isEqualTo("http://archive:8080/orders");
    assertThat(plan.kafka("orders")).isNull();
  }
}
