package dev.rewind.journal.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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

  private static final class Entry {
    final Producer<byte[], byte[]> producer;
    int inFlight;
    long lastUsedNanos;

    Entry(Producer<byte[], byte[]> producer) {
      this.producer = producer;
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
    return vertx.<Entry>executeBlocking(() -> take(config), false).compose(entry -> {
      Promise<RecordMetadata> acked = Promise.promise();
      vertx.executeBlocking(() -> {
        try {
          entry.producer.send(record, (metadata, error) -> {
            if (error != null) {
              acked.tryFail(error);
            } else {
              acked.tryComplete(metadata);
            }
          });
        } catch (RuntimeException e) {
          // send() throws what it cannot hand to the callback (a closed producer, a serializer failure).
          acked.tryFail(e);
        }
        return null;
      }, false).onFailure(acked::tryFail);
      return acked.future().onComplete(done -> release(entry));
    });
  }

  /** The producer for {@code config}, created if needed (on a worker thread: construction resolves names). */
  private Entry take(Map<String, Object> config) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the Kafka producers are closed");
      }
      Entry entry = producers.computeIfAbsent(config, c -> new Entry(new KafkaProducer<>(new HashMap<>(c))));
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
    List<Producer<byte[], byte[]>> idle = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      producers.values().removeIf(e -> {
        boolean unused = e.inFlight == 0 && now - e.lastUsedNanos > idleNanos;
        if (unused) {
          idle.add(e.producer);
        }
        return unused;
      });
    }
    if (!idle.isEmpty()) {
      vertx.executeBlocking(() -> {
        idle.forEach(p -> p.close(Duration.ofSeconds(5)));
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
    List<Producer<byte[], byte[]>> all;
    synchronized (this) {
      closed = true;
      vertx.cancelTimer(sweepTimer);
      all = producers.values().stream().map(e -> e.producer).toList();
      producers.clear();
    }
    for (Producer<byte[], byte[]> p : all) {
      try {
        p.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warnf("Closing a Kafka producer failed: %s", e.getMessage());
      }
    }
  }
}
