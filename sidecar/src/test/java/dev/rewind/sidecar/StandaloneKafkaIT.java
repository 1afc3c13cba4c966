package dev.rewind.sidecar;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.journal.testing.TestStore;
import dev.rewind.sidecar.testing.StandaloneKafkaResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The standalone sidecar with a Kafka route: HTTP capture in, the event journaled, then one record on the topic. */
@QuarkusTest
@TestProfile(StandaloneKafkaIT.WithKafka.class)
class StandaloneKafkaIT {

  /** This test's sidecar only: StandaloneCaptureIT's resource is global to the module's Quarkus tests. */
  public static class WithKafka implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(StandaloneKafkaResource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
      return true;
    }
  }

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static TestStore store;

  @Inject
  Sidecar sidecar;

  @BeforeAll
  static void connect() {
    store = StandaloneKafkaResource.store();
  }

  @AfterAll
  static void disconnect() {
    store.close();
  }

  @Test
  void aCapturedEventIsAcknowledgedThenWrittenToTheTopicUnderItsEventId() {
    String id = given().header("Idempotency-Key", "k-1").contentType("application/json")
        .body("{\"orderId\":\"K-1\"}").post("http://127.0.0.1:" + sidecar.capturePort()
            + "/v1/routes/orders-to-kafka/ignored/suffix").then().statusCode(202)
        .extract().jsonPath().getString("id");

    await().atMost(WAIT).until(() -> store.column("SELECT state FROM rewind.events WHERE id = $1::uuid", id)
        .get(0).equals("delivered"));

    List<ConsumerRecord<byte[], byte[]>> records = StandaloneKafkaResource.kafka.read("orders", 1);
    assertThat(records).hasSize(1);
    ConsumerRecord<byte[], byte[]> record = records.get(0);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("K-1");
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\":\"K-1\"}");
    assertThat(new String(record.headers().lastHeader("Rewind-Event-Id").value(), StandardCharsets.UTF_8))
        .isEqualTo(id);
    // The event's URL and the attempt's destination name the topic; a capture suffix does not change it.
    String destination = "kafka://" + StandaloneKafkaResource.kafka.bootstrap() + "/orders";
    assertThat(store.column("SELECT url FROM rewind.events WHERE id = $1::uuid", id)).containsExactly(destination);
    assertThat(store.column("SELECT destination FROM rewind.attempts WHERE event_id = $1::uuid", id))
        .containsExactly(destination);
  }
}
