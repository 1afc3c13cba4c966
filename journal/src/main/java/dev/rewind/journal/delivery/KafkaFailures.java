package dev.rewind.journal.delivery;

import dev.rewind.journal.retry.ErrorClass;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * How a failed Kafka send maps onto Rewind's outcome classes, so a RetryPolicy's retryOn reads the same for Kafka
 * and HTTP routes. Pure; one case per line, each with why.
 *
 * <p>The producer already retries retriable errors internally until {@code delivery.timeout.ms} (which Rewind
 * sets to the policy's timeout), so what reaches here is the last word of one attempt.
 */
public final class KafkaFailures {

  /** The class of the failure and the text the attempt records (shown by {@code rewind trace}). */
  public record Classified(ErrorClass errorClass, String message) {}

  private KafkaFailures() {}

  public static Classified classify(Throwable error, String topic) {
    Throwable e = unwrap(error);
    String text = AttemptRunner.describe(e);
    // TLS first: SslAuthenticationException is an AuthenticationException, but a certificate problem is tls-failure.
    if (e instanceof SslAuthenticationException) {
      return new Classified(ErrorClass.TLS, "kafka TLS handshake failed: " + text);
    }
    // Wrong credentials or no right to write: the broker answered, and will answer the same until someone
    // changes the Secret or the ACLs. Not retried; replay once fixed.
    if (e instanceof AuthenticationException || e instanceof AuthorizationException) {
      return new Classified(ErrorClass.CONFIG, "kafka refused the write to topic " + topic + ": " + text);
    }
    // A name the broker does not accept, or a record larger than the topic or broker takes: the same record
    // fails the same way every time.
    if (e instanceof InvalidTopicException || e instanceof RecordTooLargeException
        || e instanceof RecordBatchTooLargeException) {
      return new Classified(ErrorClass.CONFIG, "kafka refused the record for topic " + topic + ": " + text);
    }
    // The cluster answered that the topic does not exist (auto-create off; KafkaProducers asks after a metadata
    // timeout): the Route names a topic nobody created. Listed before RetriableException, which it is.
    if (e instanceof UnknownTopicOrPartitionException) {
      return new Classified(ErrorClass.CONFIG, "kafka has no topic " + topic + ": " + text);
    }
    // No acknowledgement within delivery.timeout.ms, or no metadata within max.block.ms and no answer to the
    // topic check either: the broker is down or partitioned away.
    if (e instanceof TimeoutException) {
      return new Classified(ErrorClass.TIMEOUT, "kafka: " + text);
    }
    // NotEnoughReplicas, NotLeaderOrFollower, LeaderNotAvailable, NetworkException, a disconnect: transient by
    // Kafka's own definition; connect-failure, as a refused connection is for HTTP.
    if (e instanceof RetriableException) {
      return new Classified(ErrorClass.CONNECT, "kafka: " + text);
    }
    // The producer was closed or interrupted under the attempt (shutdown, an idle producer evicted): the record
    // may not have been sent; worth another attempt.
    if (e instanceof InterruptException || e instanceof InterruptedException
        || e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("closed")) {
      return new Classified(ErrorClass.CONNECT, "kafka producer stopped during the attempt: " + text);
    }
    // Any other error the broker or client reports (unsupported version, invalid record, a bad config value):
    // retrying the same record with the same settings does not change it.
    if (e instanceof KafkaException) {
      return new Classified(ErrorClass.CONFIG, "kafka: " + text);
    }
    return new Classified(ErrorClass.INTERNAL, "internal error: " + text);
  }

  /** The cause a future or a KafkaException wrapper carries, down to the Kafka error that says what happened. */
  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof java.util.concurrent.ExecutionException
        || e instanceof java.util.concurrent.CompletionException
        || e.getClass() == KafkaException.class) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
