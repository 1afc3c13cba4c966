package dev.rewind.journal.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker inside the test JVM: one KRaft node in combined mode (broker and controller), internal
 * topics with replication factor 1, no topic auto-creation, so a topic exists only when a test creates it. Its
 * listener keeps its port across {@link #stop()} and {@link #start()}, as a restarted broker's would.
 */
public final class KafkaBroker implements AutoCloseable {

  /** The test kit's SASL users: the admin is a super user, user1 has no ACL at all. */
  public static final String ADMIN = "plain-admin";
  public static final String ADMIN_PASSWORD = "plain-admin-secret";
  public static final String USER1 = "plain-user1";
  public static final String USER1_PASSWORD = "plain-user1-secret";

  private final KafkaClusterTestKit cluster;
  private final String bootstrap;
  /** How this class's own admin and consumer connect: plaintext, or SASL PLAIN as the admin. */
  private final Map<String, Object> clientConfig;

  private KafkaBroker(KafkaClusterTestKit cluster, boolean sasl) {
    this.cluster = cluster;
    this.bootstrap = cluster.bootstrapServers();
    Map<String, Object> config = new java.util.HashMap<>(Map.of("bootstrap.servers", bootstrap));
    if (sasl) {
      config.put("security.protocol", "SASL_PLAINTEXT");
      config.put("sasl.mechanism", "PLAIN");
      config.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
          + ADMIN + "\" password=\"" + ADMIN_PASSWORD + "\";");
    }
    this.clientConfig = Map.copyOf(config);
  }

  public static KafkaBroker launch(Map<String, String> extraConfig) {
    return launch(extraConfig, false);
  }

  /**
   * A broker whose listener takes SASL PLAIN only, with the StandardAuthorizer on: {@link #ADMIN} may do anything,
   * {@link #USER1} nothing (no ACLs are created).
   */
  public static KafkaBroker launchSasl() {
    return launch(Map.of(), true);
  }

  private static KafkaBroker launch(Map<String, String> extraConfig, boolean sasl) {
    try {
      TestKitNodes.Builder nodes = new TestKitNodes.Builder()
          .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
      if (sasl) {
        // The controller listener too: with the authorizer on, the broker's own requests to the controller must
        // come from the super user, not an anonymous plaintext principal.
        nodes.setBrokerSecurityProtocol(org.apache.kafka.common.security.auth.SecurityProtocol.SASL_PLAINTEXT)
            .setControllerSecurityProtocol(org.apache.kafka.common.security.auth.SecurityProtocol.SASL_PLAINTEXT);
      }
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build())
          .setConfigProp("auto.create.topics.enable", "false")
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("num.partitions", "1")
          .setConfigProp("log.flush.interval.messages", "1");
      extraConfig.forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KafkaBroker(cluster, sasl);
    } catch (Exception e) {
      throw new IllegalStateException("the test Kafka broker did not start", e);
    }
  }

  public static KafkaBroker launch() {
    return launch(Map.of());
  }

  /** host:port of the broker's listener. */
  public String bootstrap() {
    return bootstrap;
  }

  public void createTopic(String name, Map<String, String> config) {
    try (Admin admin = Admin.create(clientConfig)) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(config))).all().get();
    } catch (Exception e) {
      throw new IllegalStateException("creating topic " + name + " failed", e);
    }
  }

  /** Stops the broker (the controller stays up): clients get no answer until {@link #start()}. */
  public void stop() {
    cluster.brokers().values().forEach(b -> {
      b.shutdown();
      b.awaitShutdown();
    });
  }

  /** Starts the stopped broker again, on the same port. */
  public void start() {
    cluster.brokers().values().forEach(b -> b.startup());
    try {
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      throw new IllegalStateException("the test Kafka broker did not come back", e);
    }
  }

  /** Every record of the topic's one partition, from the start, read until {@code count} are in or 30 s pass. */
  public List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
    Properties props = new Properties();
    props.putAll(clientConfig);
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    // assign() without a group: nothing to commit, and no __consumer_offsets topic needed.
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // Anything written beyond count is read too, so a duplicate cannot hide behind the count.
      long end = consumer.endOffsets(Set.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
