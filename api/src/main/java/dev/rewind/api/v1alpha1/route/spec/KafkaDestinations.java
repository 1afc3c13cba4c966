package dev.rewind.api.v1alpha1.route.spec;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The grammar of a Kafka destination, shared by the CRD's CEL rules (admission, and the standalone manifest
 * reader that evaluates the same rules) and {@link #problem} (routes stored under an older schema, replay
 * overrides checked again before a run): both give the same answer for every value.
 */
public final class KafkaDestinations {

  /** A bootstrap server: a host in the destination URL grammar and a port from 1 to 65535, nothing else. */
  public static final String BOOTSTRAP_PATTERN = "^" + DestinationUrls.HOST + ":" + DestinationUrls.PORT + "$";

  public static final String BOOTSTRAP_RULE = "self.all(s, s.matches(r\"" + BOOTSTRAP_PATTERN + "\"))";

  public static final String BOOTSTRAP_MESSAGE = "destination.kafka.bootstrapServers entries must be host:port: a"
      + " host name, an IPv4 address or a bracketed IPv6 literal, and a port from 1 to 65535, for example"
      + " kafka-0.kafka.svc:9092";

  public static final int MAX_SERVERS = 16;
  public static final int MAX_SERVER_LENGTH = 261;

  /** Kafka's own topic name rule (org.apache.kafka.common.internals.Topic): legal characters, length, not . or .. */
  public static final String TOPIC_RULE = "self.matches('^[a-zA-Z0-9._-]{1,249}$') && self != '.' && self != '..'";

  public static final String TOPIC_MESSAGE = "destination.kafka.topic must be 1 to 249 letters, digits, dots,"
      + " underscores and hyphens, and not \".\" or \"..\"";

  public static final int MAX_TOPIC_LENGTH = 249;

  /** eventId, correlationId, or an RFC 6901 JSON pointer into the body. */
  public static final String KEY_RULE = "self == 'eventId' || self == 'correlationId'"
      + " || self.matches('^(/([^~/]|~[01])*)+$')";

  public static final String KEY_MESSAGE = "destination.kafka.key must be eventId, correlationId or a JSON pointer"
      + " into the body such as /order/id";

  public static final String EVENT_ID = "eventId";
  public static final String CORRELATION_ID = "correlationId";

  public static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
  public static final String MECHANISM_RULE = "self in ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']";
  public static final String MECHANISM_MESSAGE = "destination.kafka.sasl.mechanism must be PLAIN, SCRAM-SHA-256"
      + " or SCRAM-SHA-512";

  public static final String CLIENT_CERT_RULE = "has(self.certificateSecretRef) == has(self.keySecretRef)";
  public static final String CLIENT_CERT_MESSAGE = "destination.kafka.tls: set both certificateSecretRef and"
      + " keySecretRef for a client certificate, or neither";

  private static final Pattern BOOTSTRAP = Pattern.compile(BOOTSTRAP_PATTERN);
  private static final Pattern TOPIC = Pattern.compile("^[a-zA-Z0-9._-]{1,249}$");
  private static final Pattern POINTER = Pattern.compile("^(/([^~/]|~[01])*)+$");

  private KafkaDestinations() {}

  public static boolean isTopic(String topic) {
    return topic != null && TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
  }

  /** Why {@code kafka} is not a usable destination, naming the field, or null when it is one. */
  public static String problem(KafkaDestination kafka) {
    List<String> servers = kafka.getBootstrapServers();
    if (servers == null || servers.isEmpty()) {
      return "destination.kafka.bootstrapServers is required";
    }
    if (servers.size() > MAX_SERVERS) {
      return "destination.kafka.bootstrapServers takes at most " + MAX_SERVERS + " entries";
    }
    for (String server : servers) {
      if (server == null || !BOOTSTRAP.matcher(server).matches()) {
        return BOOTSTRAP_MESSAGE + "; got \"" + server + "\"";
      }
    }
    if (!isTopic(kafka.getTopic())) {
      return kafka.getTopic() == null ? "destination.kafka.topic is required"
          : TOPIC_MESSAGE + "; got \"" + kafka.getTopic() + "\"";
    }
    String key = kafka.getKey();
    if (key != null && !key.equals(EVENT_ID) && !key.equals(CORRELATION_ID) && !POINTER.matcher(key).matches()) {
      return KEY_MESSAGE + "; got \"" + key + "\"";
    }
    if (kafka.getSasl() != null && !MECHANISMS.contains(kafka.getSasl().getMechanism())) {
      return MECHANISM_MESSAGE + "; got \"" + kafka.getSasl().getMechanism() + "\"";
    }
    if (kafka.getTls() != null
        && (kafka.getTls().getCertificateSecretRef() == null) != (kafka.getTls().getKeySecretRef() == null)) {
      return CLIENT_CERT_MESSAGE;
    }
    return null;
  }

  /** The host of a bootstrap server that passed the grammar: brackets of an IPv6 literal removed. */
  public static String host(String server) {
    String host = server.substring(0, server.lastIndexOf(':'));
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }
}
