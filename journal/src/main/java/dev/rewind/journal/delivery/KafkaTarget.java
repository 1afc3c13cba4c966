package dev.rewind.journal.delivery;

import dev.rewind.api.v1alpha1.route.spec.KafkaDestination;
import java.util.Arrays;
import java.util.List;

/**
 * A Kafka destination as one string, {@code kafka://host1:9092,host2:9092/topic}: what an event's captured URL,
 * an attempt's destination column and {@code rewind trace} show for a Kafka route, and what the delivery path
 * reads the cluster and topic back from. Topic names cannot contain '/', so the last '/' separates them.
 */
public record KafkaTarget(List<String> bootstrapServers, String topic) {

  public static final String SCHEME = "kafka://";

  public static KafkaTarget of(KafkaDestination kafka) {
    return new KafkaTarget(List.copyOf(kafka.getBootstrapServers()), kafka.getTopic());
  }

  public static boolean isKafka(String destination) {
    return destination != null && destination.startsWith(SCHEME);
  }

  /** @throws IllegalArgumentException when {@code uri} is not kafka://servers/topic */
  public static KafkaTarget parse(String uri) {
    if (!isKafka(uri)) {
      throw new IllegalArgumentException("destination " + uri + " is not a kafka:// destination");
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.lastIndexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new IllegalArgumentException("destination " + uri + " names no bootstrap servers or no topic");
    }
    return new KafkaTarget(Arrays.asList(rest.substring(0, slash).split(",")), rest.substring(slash + 1));
  }

  public String uri() {
    return SCHEME + String.join(",", bootstrapServers) + "/" + topic;
  }

  @Override
  public String toString() {
    return uri();
  }
}
