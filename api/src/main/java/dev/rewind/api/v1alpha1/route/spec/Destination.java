package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Where captured events are delivered: an HTTP endpoint (url) or a Kafka topic (kafka), exactly one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = Destination.ONE_KIND_RULE, message = Destination.ONE_KIND_MESSAGE)
public class Destination {

  public static final String ONE_KIND_RULE = "has(self.url) != has(self.kafka)";
  public static final String ONE_KIND_MESSAGE = "destination must set exactly one of url or kafka";

  @Size(min = 1, max = DestinationUrls.MAX_LENGTH)
  @ValidationRule(value = DestinationUrls.RULE, message = DestinationUrls.MESSAGE)
  @JsonPropertyDescription(
      "Absolute http or https URL events are delivered to (or set kafka instead), at most 2048 characters: a host name of letters,"
          + " digits, dots and hyphens (the last label starting with a letter), an IPv4 address or a bracketed"
          + " IPv6 literal; an optional port from 1 to 65535; no user name or password. For explicit capture"
          + " (POST /v1/routes/{route}/suffix) the suffix is appended to this path. Hosts in blocked ranges"
          + " (link-local, cloud metadata addresses) are refused.")
  private String url;

  @JsonPropertyDescription(
      "Kafka topic events are delivered to, one record per event, instead of url. Records carry the"
          + " Rewind-Event-Id, Rewind-Attempt, Rewind-Event-Type, Rewind-Correlation-Id and (replays)"
          + " Rewind-Replay headers; the producer waits for all in-sync replicas (acks=all) and is idempotent.")
  private KafkaDestination kafka;

  public Destination() {}

  public static Destination kafka(KafkaDestination kafka) {
    Destination d = new Destination();
    d.setKafka(kafka);
    return d;
  }

  public Destination(String url) {
    this.url = url;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public KafkaDestination getKafka() {
    return kafka;
  }

  public void setKafka(KafkaDestination kafka) {
    this.kafka = kafka;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Destination d && Objects.equals(url, d.url) && Objects.equals(kafka, d.kafka);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, kafka);
  }
}
