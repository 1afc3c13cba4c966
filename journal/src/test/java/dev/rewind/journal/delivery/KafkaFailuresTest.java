package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.retry.ErrorClass;
import dev.rewind.journal.retry.Outcome;
import dev.rewind.journal.retry.OutcomeSelector;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KafkaFailuresTest {

  static java.util.stream.Stream<Arguments> failures() {
    return java.util.stream.Stream.of(
        Arguments.of(new TimeoutException("Expiring 1 record(s)"), ErrorClass.TIMEOUT, true),
        Arguments.of(new TimeoutException("Topic t not present in metadata after 2000 ms."), ErrorClass.TIMEOUT,
            true),
        Arguments.of(new NotEnoughReplicasException("x"), ErrorClass.CONNECT, true),
        Arguments.of(new LeaderNotAvailableException("x"), ErrorClass.CONNECT, true),
        Arguments.of(new NetworkException("x"), ErrorClass.CONNECT, true),
        Arguments.of(new TopicAuthorizationException("Not authorized to access topics: [t]"), ErrorClass.CONFIG,
            false),
        Arguments.of(new ClusterAuthorizationException("x"), ErrorClass.CONFIG, false),
        Arguments.of(new SaslAuthenticationException("bad password"), ErrorClass.CONFIG, false),
        Arguments.of(new SslAuthenticationException("PKIX path building failed"), ErrorClass.TLS, false),
        Arguments.of(new InvalidTopicException("x"), ErrorClass.CONFIG, false),
        Arguments.of(new RecordTooLargeException("x"), ErrorClass.CONFIG, false),
        Arguments.of(new UnknownTopicOrPartitionException("x"), ErrorClass.CONFIG, false),
        Arguments.of(new UnsupportedVersionException("x"), ErrorClass.CONFIG, false),
        Arguments.of(new IllegalStateException("Cannot perform operation after producer has been closed"),
            ErrorClass.CONNECT, true),
        Arguments.of(new NullPointerException("defect"), ErrorClass.INTERNAL, false));
  }

  /** The class, and whether the default retryOn retries it: the mapping a Kafka route's policy reads. */
  @ParameterizedTest
  @MethodSource("failures")
  void eachKafkaErrorMapsOntoAnOutcomeClass(Throwable error, ErrorClass expected, boolean retriedByDefault) {
    KafkaFailures.Classified classified = KafkaFailures.classify(error, "orders");

    assertThat(classified.errorClass()).isEqualTo(expected);
    assertThat(classified.message()).contains(error.getClass().getSimpleName());
    assertThat(OutcomeSelector.of(null).matches(Outcome.failure(classified.errorClass())))
        .isEqualTo(retriedByDefault);
  }

  @ParameterizedTest
  @MethodSource("failures")
  void wrappersAreSeenThrough(Throwable error, ErrorClass expected, boolean retriedByDefault) {
    Throwable wrapped = new ExecutionException(new KafkaException(error));

    assertThat(KafkaFailures.classify(wrapped, "orders").errorClass()).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void aRefusalNamesTheTopic() {
    assertThat(KafkaFailures.classify(new TopicAuthorizationException("Not authorized"), "orders").message())
        .isEqualTo("kafka refused the write to topic orders: TopicAuthorizationException: Not authorized");
  }
}
