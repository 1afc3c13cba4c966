package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.route.spec.KafkaDestination;
import dev.rewind.api.v1alpha1.route.spec.KafkaSasl;
import dev.rewind.api.v1alpha1.route.spec.KafkaTls;
import dev.rewind.api.v1alpha1.route.spec.SecretKeySelector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientConfigTest {

  private static final List<String> SERVERS = List.of("k-0:9092", "k-1:9092");

  @Test
  void everyProducerWaitsForAllReplicasIsIdempotentAndIsBoundedByThePolicyTimeout() {
    Map<String, Object> config = KafkaClientConfig.producer(SERVERS, null, KafkaClientConfig.Credentials.NONE,
        Duration.ofSeconds(10));

    assertThat(config).containsEntry("bootstrap.servers", "k-0:9092,k-1:9092")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("delivery.timeout.ms", "10000")
        .containsEntry("request.timeout.ms", "9995")
        .containsEntry("max.block.ms", "10000")
        .containsEntry("linger.ms", "5")
        .containsEntry("security.protocol", "PLAINTEXT");
    // The producer itself accepts the combination (delivery.timeout.ms ≥ linger.ms + request.timeout.ms).
    new ProducerConfig(config);
  }

  @Test
  void shortTimeoutsStillMakeAConfigurationTheProducerAccepts() {
    new ProducerConfig(KafkaClientConfig.producer(SERVERS, null, KafkaClientConfig.Credentials.NONE,
        Duration.ofMillis(100)));
  }

  @Test
  void tlsAndSaslComeFromTheSecretValuesNeverFromFiles() {
    KafkaDestination kafka = new KafkaDestination(SERVERS, "orders");
    KafkaTls tls = new KafkaTls();
    tls.setCaSecretRef(new SecretKeySelector("kafka-ca", "ca.crt"));
    kafka.setTls(tls);
    KafkaSasl sasl = new KafkaSasl();
    sasl.setMechanism("SCRAM-SHA-512");
    kafka.setSasl(sasl);

    Map<String, Object> config = KafkaClientConfig.producer(SERVERS, kafka,
        new KafkaClientConfig.Credentials("-----BEGIN CERTIFICATE-----", null, null, "rewind", "p\"w\\d"),
        Duration.ofSeconds(5));

    assertThat(config).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"rewind\" password=\"p\\\"w\\\\d\";")
        .doesNotContainKey("ssl.keystore.type");
  }

  @Test
  void equalSettingsGiveEqualConfigurationsSoTheyShareAProducer() {
    assertThat(KafkaClientConfig.producer(SERVERS, null, KafkaClientConfig.Credentials.NONE, Duration.ofSeconds(5)))
        .isEqualTo(KafkaClientConfig.producer(List.copyOf(SERVERS), null, KafkaClientConfig.Credentials.NONE,
            Duration.ofSeconds(5)))
        .isNotEqualTo(KafkaClientConfig.producer(SERVERS, null, KafkaClientConfig.Credentials.NONE,
            Duration.ofSeconds(6)));
  }
}
