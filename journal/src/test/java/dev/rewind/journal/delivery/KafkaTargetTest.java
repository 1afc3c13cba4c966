package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.journal.capture.Urls;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaTargetTest {

  @Test
  void aTargetRoundTripsThroughItsUri() {
    KafkaTarget target = new KafkaTarget(List.of("k-0:9092", "[::1]:9093"), "orders.v1");

    assertThat(target.uri()).isEqualTo("kafka://k-0:9092,[::1]:9093/orders.v1");
    assertThat(KafkaTarget.parse(target.uri())).isEqualTo(target);
  }

  @Test
  void somethingElseIsRefusedNamingIt() {
    assertThatThrownBy(() -> KafkaTarget.parse("http://k:9092/orders")).hasMessageContaining("http://k:9092/orders");
    assertThatThrownBy(() -> KafkaTarget.parse("kafka://k:9092/")).hasMessageContaining("no topic");
  }

  @Test
  void captureAppendsNoSuffixToAKafkaDestination() {
    assertThat(Urls.join("kafka://k:9092/orders", "42/lines", "a=1")).isEqualTo("kafka://k:9092/orders");
  }
}
