package dev.rewind.journal.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.api.v1alpha1.route.spec.Destination;
import dev.rewind.api.v1alpha1.route.spec.KafkaDestination;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.retry.Outcome;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RouteResolver's verdicts for Kafka destinations: what the Route's Ready condition and a sidecar's file say. */
class KafkaRouteResolutionTest {

  private static Route route(Destination destination) {
    Route route = new Route();
    route.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("default").withGeneration(2L)
        .build());
    RouteSpec spec = new RouteSpec();
    spec.setDestination(destination);
    route.setSpec(spec);
    return route;
  }

  private static RouteResolver.Result resolve(Destination destination) {
    return new RouteResolver(AddressPolicy.cluster()).resolve(route(destination), Map.of());
  }

  @Test
  void aKafkaRouteResolvesAndNamesItsTopicAsItsDestination() {
    RouteResolver.Result result = resolve(Destination.kafka(new KafkaDestination(
        List.of("kafka-0.kafka.svc:9092", "kafka-1.kafka.svc:9092"), "orders")));

    assertThat(result.ok()).isTrue();
    assertThat(result.route().destination()).isEqualTo("kafka://kafka-0.kafka.svc:9092,kafka-1.kafka.svc:9092/orders");
    assertThat(result.route().kafka().getTopic()).isEqualTo("orders");
  }

  @Test
  void aBootstrapServerInABlockedRangeIsRefusedNamingTheField() {
    RouteResolver.Result result = resolve(Destination.kafka(new KafkaDestination(
        List.of("kafka-0.kafka.svc:9092", "169.254.169.254:9092"), "orders")));

    assertThat(result.reason()).isEqualTo(RouteResolver.Reason.DestinationBlocked);
    assertThat(result.message()).startsWith("destination.kafka.bootstrapServers 169.254.169.254:9092 is refused");
  }

  @Test
  void aStoredRouteOutsideTheGrammarIsRefusedNamingTheField() {
    assertThat(resolve(Destination.kafka(new KafkaDestination(List.of("kafka:9092"), "a/b"))).message())
        .startsWith("destination.kafka.topic must be");
    assertThat(resolve(Destination.kafka(new KafkaDestination(List.of("kafka"), "orders"))).message())
        .startsWith("destination.kafka.bootstrapServers entries must be host:port");
    Destination both = Destination.kafka(new KafkaDestination(List.of("kafka:9092"), "orders"));
    both.setUrl("http://b/orders");
    assertThat(resolve(both).reason()).isEqualTo(RouteResolver.Reason.InvalidDestination);
  }

  @Test
  void aBrokersAcknowledgementIsDelivered() {
    assertThat(Outcome.acknowledged().delivered()).isTrue();
    assertThat(Outcome.acknowledged().token()).isEqualTo(Outcome.DELIVERED);
  }
}
