package dev.rewind.journal.delivery;

import dev.rewind.api.v1alpha1.route.spec.KafkaDestination;
import dev.rewind.api.v1alpha1.route.spec.SecretKeySelector;
import dev.rewind.journal.retry.ErrorClass;
import dev.rewind.journal.retry.Outcome;
import dev.rewind.journal.retry.RetryDecision;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.Header;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Makes one attempt of one event: the captured request, byte-exact, plus the headers that identify it
 * ({@code Rewind-Event-Id}, {@code Rewind-Attempt}) and, when the route signs, a fresh Standard Webhooks signature.
 * Shared by live delivery and replays, so both send exactly the same thing.
 *
 * <p>The destination's kind chooses the deliverer: a {@code kafka://servers/topic} destination ({@link KafkaTarget})
 * is written as one record by the {@link KafkaDeliverer}, anything else is an HTTP request.
 */
public final class AttemptRunner {

  public static final String EVENT_ID_HEADER = "Rewind-Event-Id";
  public static final String ATTEMPT_HEADER = "Rewind-Attempt";
  public static final String REPLAY_HEADER = "Rewind-Replay";

  private final HttpDeliverer deliverer;
  private final KafkaDeliverer kafka;
  private final SecretSource secrets;
  private final Clock clock;
  private final int responseBodyLimit;

  /** A runner for HTTP destinations only: an attempt to a Kafka destination is a configuration error. */
  public AttemptRunner(HttpDeliverer deliverer, SecretSource secrets, Clock clock, int responseBodyLimit) {
    this(deliverer, null, secrets, clock, responseBodyLimit);
  }

  public AttemptRunner(HttpDeliverer deliverer, KafkaDeliverer kafka, SecretSource secrets, Clock clock,
      int responseBodyLimit) {
    this.deliverer = deliverer;
    this.kafka = kafka;
    this.secrets = secrets;
    this.clock = clock;
    this.responseBodyLimit = responseBodyLimit;
  }

  /** Makes the attempt with the Kafka settings (key, TLS, SASL) of the event's route, for a Kafka destination. */
  public Uni<AttemptResult> attempt(DeliveryItem item, ResolvedRoute route, String destination, Duration timeout,
      String replayName, int bodyLimit) {
    return attempt(item, route, destination, route.kafka(), timeout, replayName, bodyLimit);
  }

  /**
   * Makes the attempt. The Uni never fails and never throws: whatever goes wrong while building or sending the
   * request (a secret that cannot be read or used, a URL that cannot be sent to, a defect) comes back as an
   * {@link AttemptResult} with an error class and message, because every attempt must be journaled.
   *
   * @param destination where to send it (the event's captured URL, or a replay's override)
   * @param kafkaSettings for a kafka:// destination, its key, TLS and SASL settings (the route's, or a replay
   *     override's); the cluster and topic are the destination's own
   * @param replayName the replay making the attempt, or null for live delivery
   * @param bodyLimit how much of the answer to keep (passthrough keeps it all, to return it)
   */
  public Uni<AttemptResult> attempt(DeliveryItem item, ResolvedRoute route, String destination,
      KafkaDestination kafkaSettings, Duration timeout, String replayName, int bodyLimit) {
    if (KafkaTarget.isKafka(destination)) {
      return toKafka(item, route, destination, kafkaSettings, timeout, replayName);
    }
    return Uni.createFrom().deferred(() -> {
          SecretKeySelector signing = route.spec().getSigning() == null ? null
              : route.spec().getSigning().getSecretRef();
          List<Header> headers = headers(item, replayName, signing != null);
          if (signing == null) {
            return send(item, destination, timeout, bodyLimit, headers);
          }
          String name = "signing secret " + signing.getName() + "/" + signing.getKey();
          return secrets.lookup(item.namespace(), signing.getName(), signing.getKey())
              .onItemOrFailure().transformToUni((secret, unreadable) -> {
                if (unreadable != null) {
                  return Uni.createFrom().item(configError(name + " could not be read: "
                      + unreadable.getMessage()));
                }
                if (secret == null) {
                  return Uni.createFrom().item(configError(name + " is not available"));
                }
                List<byte[]> keys;
                try {
                  keys = WebhookSigner.keys(secret);
                } catch (WebhookSigner.UnusableSecret e) {
                  return Uni.createFrom().item(configError(name + ": " + e.getMessage()));
                }
                long timestamp = clock.instant().getEpochSecond();
                headers.add(new Header(WebhookSigner.ID, item.eventId()));
                headers.add(new Header(WebhookSigner.TIMESTAMP, Long.toString(timestamp)));
                headers.add(new Header(WebhookSigner.SIGNATURE,
                    WebhookSigner.signAll(keys, item.eventId(), timestamp, item.body())));
                return send(item, destination, timeout, bodyLimit, headers);
              });
        })
        .onFailure().recoverWithItem(e -> new AttemptResult(clock.instant(), 0,
            Outcome.failure(ErrorClass.INTERNAL), "internal error: " + describe(e), null, null));
  }

  private Uni<AttemptResult> toKafka(DeliveryItem item, ResolvedRoute route, String destination,
      KafkaDestination settings, Duration timeout, String replayName) {
    return Uni.createFrom().deferred(() -> {
          if (kafka == null) {
            return Uni.createFrom().item(configError("this worker does not deliver to Kafka destinations ("
                + destination + ")"));
          }
          KafkaTarget target;
          try {
            target = KafkaTarget.parse(destination);
          } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(configError(e.getMessage()));
          }
          return kafka.send(item, route.spec(), target, settings, timeout, replayName);
        })
        .onFailure().recoverWithItem(e -> new AttemptResult(clock.instant(), 0,
            Outcome.failure(ErrorClass.INTERNAL), "internal error: " + describe(e), null, null));
  }

  private Uni<AttemptResult> send(DeliveryItem item, String destination, Duration timeout, int bodyLimit,
      List<Header> headers) {
    return deliverer.send(new OutboundRequest(item.method(), destination, headers, item.body(), timeout,
        bodyLimit));
  }

  private static List<Header> headers(DeliveryItem item, String replayName, boolean signs) {
    List<Header> headers = new ArrayList<>(item.headers().size() + 6);
    for (Header h : item.headers()) {
      if (!isOurs(h) && !(signs && isSignature(h))) {
        headers.add(h);
      }
    }
    headers.add(new Header(EVENT_ID_HEADER, item.id().toString()));
    headers.add(new Header(ATTEMPT_HEADER, Integer.toString(item.attempt())));
    if (replayName != null) {
      headers.add(new Header(REPLAY_HEADER, replayName));
    }
    return headers;
  }

  private AttemptResult configError(String message) {
    return new AttemptResult(clock.instant(), 0, Outcome.failure(ErrorClass.CONFIG), message, null, null);
  }

  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  public int responseBodyLimit() {
    return responseBodyLimit;
  }

  /**
   * The journal row of an attempt. When the decision gives the event up and the attempt itself has no error
   * (a status code that is not retried, say), the reason is recorded as its error, so the trace says why.
   */
  public AttemptRecord record(DeliveryItem item, AttemptResult result, String trigger, UUID replayId,
      String replayName, String worker, String destination, RetryDecision decision) {
    byte[] body = result.responseBody();
    if (body != null && body.length > responseBodyLimit) {
      body = java.util.Arrays.copyOf(body, responseBodyLimit);
    }
    String error = result.error() == null && decision.kind() == RetryDecision.Kind.DEAD ? decision.reason()
        : result.error();
    return new AttemptRecord(item.id(), item.attempt(), trigger, replayId, replayName, worker, destination,
        result.startedAt(), result.durationMs(), result.statusCode(),
        result.errorClass() == null ? null : result.errorClass().wireName(), error,
        result.outcome().token(), result.responseHeaders(), body);
  }

  /** Headers Rewind sets itself on each attempt; a captured copy (from an earlier hop) is replaced, not doubled. */
  private static boolean isOurs(Header h) {
    return h.is(EVENT_ID_HEADER) || h.is(ATTEMPT_HEADER) || h.is(REPLAY_HEADER);
  }

  /** A signature the sender made is kept as captured, unless the route signs: then ours replaces it. */
  private static boolean isSignature(Header h) {
    return h.is(WebhookSigner.TIMESTAMP) || h.is(WebhookSigner.SIGNATURE) || h.is(WebhookSigner.ID);
  }
}
