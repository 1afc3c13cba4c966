package dev.rewind.journal.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

/**
 * One producer per distinct configuration (cluster, credentials, timeout), shared by every route and replay that
 * uses it, and closed once no attempt has used it for {@code idleAfter}: a producer holds connections to every
 * broker it learnt about and a buffer, so one per event or per route would multiply both. Routes are not tracked
 * one by one: a route that is deleted or changed simply stops using its producer, which then goes idle.
 *
 * <p>{@code KafkaProducer.send} blocks its caller while it waits for metadata (up to max.block.ms), so the send is
 * started on a Vert.x worker thread, never on an event loop; the acknowledgement arrives on the producer's I/O
 * thread.
 */
final class KafkaProducers implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KafkaProducers.class);
  static final Duration DEFAULT_IDLE = Duration.ofMinutes(5);
  /** How long the topic check after a metadata timeout may take: within an attempt's hard deadline's margin. */
  static final Duration ADMIN_WAIT = Duration.ofSeconds(3);

  private static final class Entry {
    final Producer<byte[], byte[]> producer;
    final Map<String, Object> config;
    /** Asked only when a send found no metadata for its topic; created then, closed with the producer. */
    Admin admin;
    int inFlight;
    long lastUsedNanos;

    Entry(Map<String, Object> config) {
      this.config = config;
      this.producer = new KafkaProducer<>(new HashMap<>(config));
    }

    void close(Duration wait) {
      producer.close(wait);
      if (admin != null) {
        admin.close(wait);
      }
    }
  }

  private final Vertx vertx;
  private final long idleNanos;
  private final Map<Map<String, Object>, Entry> producers = new HashMap<>();
  private final long sweepTimer;
  private boolean closed;

  KafkaProducers(Vertx vertx, Duration idleAfter) {
    this.vertx = vertx;
    this.idleNanos = idleAfter.toNanos();
    long period = Math.max(1000, Math.min(60_000, idleAfter.toMillis() / 2));
    this.sweepTimer = vertx.setPeriodic(period, id -> closeIdle());
  }

  /** Sends the record with the producer for {@code config}; the future fails with what the producer reported. */
  Future<RecordMetadata> send(Map<String, Object> config, ProducerRecord<byte[], byte[]> record) {
    Promise<RecordMetadata> acked = Promise.promise();
    Entry[] used = new Entry[1];
    vertx.executeBlocking(() -> {
      used[0] = take(config);
      used[0].producer.send(record, (metadata, error) -> {
        if (error != null) {
          acked.tryFail(error);
        } else {
          acked.tryComplete(metadata);
        }
      });
      return null;
    }, false).onFailure(acked::tryFail); // what send() throws rather than hands to the callback (a closed producer)
    return acked.future()
        .recover(error -> used[0] != null && isMissingMetadata(error)
            ? topicMissing(used[0], record.topic()).transform(missing -> Future.failedFuture(
                missing.succeeded() && missing.result() ? new UnknownTopicOrPartitionException("topic "
                    + record.topic() + " does not exist (and the cluster does not create topics on first write)")
                    : error))
            : Future.failedFuture(error))
        .onComplete(done -> {
          if (used[0] != null) {
            release(used[0]);
          }
        });
  }

  /**
   * A producer that gets no metadata for a topic says only "not present in metadata" when max.block.ms runs out,
   * whether the cluster is unreachable or answered that the topic does not exist. The two mean opposite things
   * (retry, or fix the Route), so the cluster is asked once, bounded: "no such topic" is an answer; anything else
   * (no answer in time) leaves the timeout as it is.
   */
  private static boolean isMissingMetadata(Throwable error) {
    return error instanceof org.apache.kafka.common.errors.TimeoutException
        && String.valueOf(error.getMessage()).contains("not present in metadata");
  }

  private Future<Boolean> topicMissing(Entry entry, String topic) {
    return vertx.executeBlocking(() -> {
      Admin admin;
      synchronized (this) {
        if (entry.admin == null) {
          entry.admin = Admin.create(adminConfig(entry.config));
        }
        admin = entry.admin;
      }
      try {
        admin.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return false;
      } catch (ExecutionException e) {
        return e.getCause() instanceof UnknownTopicOrPartitionException;
      } catch (java.util.concurrent.TimeoutException e) {
        return false;
      }
    }, false);
  }

  /** The connection settings of a producer configuration, for an Admin client of the same cluster. */
  static Map<String, Object> adminConfig(Map<String, Object> producer) {
    Map<String, Object> admin = new HashMap<>();
    producer.forEach((key, value) -> {
      if (key.equals("bootstrap.servers") || key.equals("security.protocol") || key.startsWith("ssl.")
          || key.startsWith("sasl.")) {
        admin.put(key, value);
      }
    });
    admin.put("client.id", "rewind-topic-check");
    admin.put("request.timeout.ms", Long.toString(ADMIN_WAIT.toMillis()));
    admin.put("default.api.timeout.ms", Long.toString(ADMIN_WAIT.toMillis()));
    return admin;
  }

  /** The producer for {@code config}, created if needed (on a worker thread: construction resolves names). */
  private Entry take(Map<String, Object> config) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the Kafka producers are closed");
      }
      Entry entry = producers.computeIfAbsent(config, Entry::new);
      entry.inFlight++;
      entry.lastUsedNanos = System.nanoTime();
      return entry;
    }
  }

  private synchronized void release(Entry entry) {
    entry.inFlight--;
    entry.lastUsedNanos = System.nanoTime();
  }

  private void closeIdle() {
    List<Entry> idle = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      producers.values().removeIf(e -> {
        boolean unused = e.inFlight == 0 && now - e.lastUsedNanos > idleNanos;
        if (unused) {
          idle.add(e);
        }
        return unused;
      });
    }
    if (!idle.isEmpty()) {
      vertx.executeBlocking(() -> {
        idle.forEach(e -> e.close(Duration.ofSeconds(5)));
        return null;
      }, false);
    }
  }

  synchronized int open() {
    return producers.size();
  }

  /** Closes every producer, waiting up to 5 s each for records still in flight to be acknowledged. */
  @Override
  public void close() {
    List<Entry> all;
    synchronized (this) {
      closed = true;
      vertx.cancelTimer(sweepTimer);
      all = List.copyOf(producers.values());
      producers.clear();
    }
    for (Entry e : all) {
      try {
        e.close(Duration.ofSeconds(5));
      } catch (RuntimeException failure) {
        LOG.warnf("Closing a Kafka producer failed: %s", failure.getMessage());
      }
    }
  }
}
