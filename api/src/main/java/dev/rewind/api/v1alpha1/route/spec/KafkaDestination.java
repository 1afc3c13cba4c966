package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * A Kafka topic events are delivered to, one record per event. Credentials are referenced (Secrets in the Route's
 * namespace), never written inline.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaDestination {

  @Required
  @Size(min = 1, max = KafkaDestinations.MAX_SERVERS)
  @ValidationRule(value = KafkaDestinations.BOOTSTRAP_RULE, message = KafkaDestinations.BOOTSTRAP_MESSAGE)
  @JsonPropertyDescription(
      "Bootstrap servers of the Kafka cluster, host:port each (1 to 16 entries), for example"
          + " kafka-0.kafka.svc:9092. Hosts in blocked ranges (link-local, cloud metadata addresses) are refused,"
          + " as for destination.url.")
  private List<@Size(min = 1, max = KafkaDestinations.MAX_SERVER_LENGTH) String> bootstrapServers;

  @Required
  @Size(min = 1, max = KafkaDestinations.MAX_TOPIC_LENGTH)
  @ValidationRule(value = KafkaDestinations.TOPIC_RULE, message = KafkaDestinations.TOPIC_MESSAGE)
  @JsonPropertyDescription(
      "Topic every event is written to, one record per event. The topic must exist unless the cluster creates"
          + " topics on first write.")
  private String topic;

  @Default("eventId")
  @Size(min = 1, max = 256)
  @ValidationRule(value = KafkaDestinations.KEY_RULE, message = KafkaDestinations.KEY_MESSAGE)
  @JsonPropertyDescription(
      "Record key: eventId (the event id the Route extracts), correlationId (records of one correlation id land"
          + " in one partition, in capture order per attempt), or an RFC 6901 JSON pointer into a JSON body such"
          + " as /order/id. A value that is absent gives a record without a key. Default: eventId.")
  private String key;

  @JsonPropertyDescription("Connect over TLS. Default: plaintext.")
  private KafkaTls tls;

  @JsonPropertyDescription("Authenticate with SASL (over TLS when tls is set). Default: no authentication.")
  private KafkaSasl sasl;

  public KafkaDestination() {}

  public KafkaDestination(List<String> bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  public List<String> getBootstrapServers() {
    return bootstrapServers;
  }

  public void setBootstrapServers(List<String> bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  public String getTopic() {
    return topic;
  }

  public void setTopic(String topic) {
    this.topic = topic;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public KafkaTls getTls() {
    return tls;
  }

  public void setTls(KafkaTls tls) {
    this.tls = tls;
  }

  public KafkaSasl getSasl() {
    return sasl;
  }

  public void setSasl(KafkaSasl sasl) {
    this.sasl = sasl;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaDestination k && Objects.equals(bootstrapServers, k.bootstrapServers)
        && Objects.equals(topic, k.topic) && Objects.equals(key, k.key) && Objects.equals(tls, k.tls)
        && Objects.equals(sasl, k.sasl);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bootstrapServers, topic, key, tls, sasl);
  }
}
