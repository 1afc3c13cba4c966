package dev.rewind.journal.delivery;

import dev.rewind.api.v1alpha1.route.spec.KafkaDestination;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The producer configuration for one destination's connection settings. Pure, so the guarantees are visible and
 * tested in one place; two destinations with equal configurations share one producer.
 *
 * <pre>
 *   acks=all, enable.idempotence=true   a record is acknowledged only once every in-sync replica has it, and the
 *                                       producer's own internal retries never write it twice
 *   delivery.timeout.ms = timeout       the policy's attempt timeout bounds the whole send, internal retries included
 *   request.timeout.ms  = timeout − linger
 *   max.block.ms        = timeout       waiting for metadata (an unreachable cluster) is bounded the same way
 *   linger.ms = min(5, timeout / 10)    a little batching under load, never a visible delay
 * </pre>
 *
 * Credentials (PEM certificates, SASL user and password) are values read from Secrets, placed in the in-memory
 * configuration only: nothing is written to disk.
 */
public final class KafkaClientConfig {

  /** Secret values a destination's TLS and SASL settings refer to, already read. */
  public record Credentials(String caPem, String certificatePem, String keyPem, String username,
      String password) {

    public static final Credentials NONE = new Credentials(null, null, null, null, null);
  }

  private KafkaClientConfig() {}

  public static Map<String, Object> producer(List<String> bootstrapServers, KafkaDestination settings,
      Credentials credentials, Duration timeout) {
    long timeoutMs = Math.max(100, timeout.toMillis());
    long lingerMs = Math.min(5, timeoutMs / 10);
    Map<String, Object> config = new TreeMap<>();
    config.put("bootstrap.servers", String.join(",", bootstrapServers));
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("max.in.flight.requests.per.connection", "5");
    config.put("delivery.timeout.ms", Long.toString(timeoutMs));
    config.put("request.timeout.ms", Long.toString(timeoutMs - lingerMs));
    config.put("max.block.ms", Long.toString(timeoutMs));
    config.put("linger.ms", Long.toString(lingerMs));
    config.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    config.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    config.put("client.id", "rewind");
    boolean tls = settings != null && settings.getTls() != null;
    boolean sasl = settings != null && settings.getSasl() != null;
    config.put("security.protocol", sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : (tls ? "SSL" : "PLAINTEXT"));
    if (tls) {
      if (credentials.caPem() != null) {
        config.put("ssl.truststore.type", "PEM");
        config.put("ssl.truststore.certificates", credentials.caPem());
      }
      if (credentials.certificatePem() != null) {
        config.put("ssl.keystore.type", "PEM");
        config.put("ssl.keystore.certificate.chain", credentials.certificatePem());
        config.put("ssl.keystore.key", credentials.keyPem());
      }
    }
    if (sasl) {
      String mechanism = settings.getSasl().getMechanism();
      config.put("sasl.mechanism", mechanism);
      String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
          : "org.apache.kafka.common.security.scram.ScramLoginModule";
      config.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(credentials.username())
          + "\" password=\"" + jaasEscape(credentials.password()) + "\";");
    }
    return config;
  }

  /** A JAAS option value is a quoted string: a quote or backslash in a password must not end it early. */
  static String jaasEscape(String value) {
    return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
