package dev.rewind.journal.delivery;

import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.api.v1alpha1.route.spec.KafkaDestination;
import dev.rewind.api.v1alpha1.route.spec.KafkaDestinations;
import dev.rewind.api.v1alpha1.route.spec.SecretKeySelector;
import dev.rewind.journal.retry.ErrorClass;
import dev.rewind.journal.retry.Outcome;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one event as one Kafka record and classifies how it ended ({@link KafkaFailures}). Never fails: every
 * outcome becomes an {@link AttemptResult}, because every attempt must be journaled.
 *
 * <p>Why the plain {@code kafka-clients} producer and not SmallRye Reactive Messaging's Kafka connector: the
 * connector's unit is a channel declared in configuration when the application starts (one channel, one
 * producer, one set of bootstrap servers and credentials), and it lives in a CDI container. Rewind's destinations
 * are Routes created and changed at run time (CRDs, or the sidecar's files), each with its own cluster and
 * Secrets, and this module is plain Vert.x, shared with the operator and the CLI, which have no CDI.
 * {@code OutgoingKafkaRecordMetadata.withTopic} only redirects a record to another topic of the channel's own
 * cluster; {@code KafkaClientService} only hands out the producers of channels declared up front. What Rewind
 * needs from a send is one acknowledgement or one error per record, classified; the plain producer gives exactly
 * that, with the same acks=all and idempotence the connector would configure ({@link KafkaClientConfig}).
 *
 * <p>Before a send, every bootstrap host is resolved and checked against the {@link AddressPolicy}, as an HTTP
 * destination's host is. The brokers the cluster then advertises come from the cluster itself; the policy guards
 * who a Route can point Rewind at, and a cluster is trusted once named.
 */
public final class KafkaDeliverer implements AutoCloseable {

  private final AddressPolicy addresses;
  private final SecretSource secrets;
  private final Resolver resolver;
  private final KafkaProducers producers;

  public KafkaDeliverer(Vertx vertx, AddressPolicy addresses, SecretSource secrets) {
    this(vertx, addresses, secrets, KafkaProducers.DEFAULT_IDLE);
  }

  /** @param idleAfter a producer no attempt used for this long is closed, and opened again when needed */
  public KafkaDeliverer(Vertx vertx, AddressPolicy addresses, SecretSource secrets, Duration idleAfter) {
    this.addresses = addresses;
    this.secrets = secrets;
    this.resolver = new Resolver(vertx, Duration.ofSeconds(10));
    this.producers = new KafkaProducers(vertx, idleAfter);
  }

  /**
   * @param settings key, TLS and SASL of the destination (the route's, or a replay override's); null means
   *     plaintext, keyed by event id
   */
  public Uni<AttemptResult> send(DeliveryItem item, RouteSpec route, KafkaTarget target, KafkaDestination settings,
      Duration timeout, String replayName) {
    return Uni.createFrom().completionStage(() -> sendFuture(item, route, target, settings, timeout, replayName)
        .toCompletionStage());
  }

  private Future<AttemptResult> sendFuture(DeliveryItem item, RouteSpec route, KafkaTarget target,
      KafkaDestination settings, Duration timeout, String replayName) {
    Instant startedAt = Instant.now();
    long t0 = System.nanoTime();
    return checkAddresses(target).compose(refusal -> {
      if (refusal != null) {
        return Future.succeededFuture(failed(startedAt, t0, refusal));
      }
      return credentials(item.namespace(), settings).compose(read -> {
        if (read.problem() != null) {
          return Future.succeededFuture(failed(startedAt, t0,
              new KafkaFailures.Classified(ErrorClass.CONFIG, read.problem())));
        }
        Map<String, Object> config = KafkaClientConfig.producer(target.bootstrapServers(), settings,
            read.credentials(), timeout);
        ProducerRecord<byte[], byte[]> record = KafkaRecords.record(item, route, target.topic(),
            settings == null ? null : settings.getKey(), replayName);
        return producers.send(config, record).transform(sent -> Future.succeededFuture(sent.succeeded()
            ? new AttemptResult(startedAt, elapsed(t0), Outcome.acknowledged(), null, null, null)
            : failed(startedAt, t0, KafkaFailures.classify(sent.cause(), target.topic()))));
      });
    });
  }

  /** Null when every bootstrap host may be connected to; otherwise why not (blocked, or none resolves). */
  private Future<KafkaFailures.Classified> checkAddresses(KafkaTarget target) {
    List<Future<List<InetAddress>>> lookups = new ArrayList<>();
    for (String server : target.bootstrapServers()) {
      String host = KafkaDestinations.host(server);
      String refusal = addresses.refusalForHost(host);
      if (refusal != null) {
        return Future.succeededFuture(new KafkaFailures.Classified(ErrorClass.BLOCKED, "bootstrap server "
            + server + ": " + refusal));
      }
      lookups.add(resolver.resolve(host).otherwiseEmpty());
    }
    return Future.join(lookups).transform(done -> {
      boolean anyResolved = false;
      for (int i = 0; i < lookups.size(); i++) {
        List<InetAddress> resolved = lookups.get(i).result();
        if (resolved == null || resolved.isEmpty()) {
          continue;
        }
        anyResolved = true;
        for (InetAddress address : resolved) {
          String refusal = addresses.refusalForAddress(address);
          if (refusal != null) {
            return Future.succeededFuture(new KafkaFailures.Classified(ErrorClass.BLOCKED, "bootstrap server "
                + target.bootstrapServers().get(i) + ": " + refusal));
          }
        }
      }
      // No bootstrap server resolves: like an HTTP host that does not resolve (yet), transient.
      return Future.succeededFuture(anyResolved ? null : new KafkaFailures.Classified(ErrorClass.DNS,
          "no bootstrap server of " + target.uri() + " resolves: "
              + new UnknownHostException(String.join(", ", target.bootstrapServers())).getMessage()));
    });
  }

  private record Read(KafkaClientConfig.Credentials credentials, String problem) {}

  /** One Secret reference of the settings, with the field that names it. */
  private record Ref(String field, SecretKeySelector selector) {}

  /** Reads the Secrets the TLS and SASL settings name; a missing one is a configuration error naming it. */
  private Future<Read> credentials(String namespace, KafkaDestination settings) {
    if (settings == null || settings.getTls() == null && settings.getSasl() == null) {
      return Future.succeededFuture(new Read(KafkaClientConfig.Credentials.NONE, null));
    }
    // In the order of Credentials' components: CA, certificate, key, user name, password.
    List<Ref> refs = new ArrayList<>();
    refs.add(new Ref("tls.caSecretRef", settings.getTls() == null ? null : settings.getTls().getCaSecretRef()));
    refs.add(new Ref("tls.certificateSecretRef", settings.getTls() == null ? null
        : settings.getTls().getCertificateSecretRef()));
    refs.add(new Ref("tls.keySecretRef", settings.getTls() == null ? null : settings.getTls().getKeySecretRef()));
    refs.add(new Ref("sasl.usernameSecretRef", settings.getSasl() == null ? null
        : settings.getSasl().getUsernameSecretRef()));
    refs.add(new Ref("sasl.passwordSecretRef", settings.getSasl() == null ? null
        : settings.getSasl().getPasswordSecretRef()));
    List<Future<String>> values = new ArrayList<>();
    for (Ref ref : refs) {
      values.add(ref.selector() == null ? Future.succeededFuture(null) : Future.fromCompletionStage(
          secrets.lookup(namespace, ref.selector().getName(), key(ref.selector())).subscribeAsCompletionStage()));
    }
    return Future.join(values).transform(done -> {
      String[] read = new String[refs.size()];
      for (int i = 0; i < refs.size(); i++) {
        SecretKeySelector selector = refs.get(i).selector();
        if (selector == null) {
          continue;
        }
        String name = "destination.kafka." + refs.get(i).field() + " (secret " + selector.getName() + "/"
            + key(selector) + ")";
        if (values.get(i).failed()) {
          return Future.succeededFuture(new Read(null, name + " could not be read: "
              + values.get(i).cause().getMessage()));
        }
        if (values.get(i).result() == null) {
          return Future.succeededFuture(new Read(null, name + " is not available"));
        }
        read[i] = values.get(i).result();
      }
      return Future.succeededFuture(new Read(new KafkaClientConfig.Credentials(read[0], read[1], read[2], read[3],
          read[4]), null));
    });
  }

  private static String key(SecretKeySelector ref) {
    return ref.getKey() == null ? "secret" : ref.getKey();
  }

  private static AttemptResult failed(Instant startedAt, long t0, KafkaFailures.Classified failure) {
    return new AttemptResult(startedAt, elapsed(t0), Outcome.failure(failure.errorClass()), failure.message(),
        null, null);
  }

  private static double elapsed(long t0) {
    return (System.nanoTime() - t0) / 1_000_000.0;
  }

  /** Producers open now, for tests and metrics. */
  public int openProducers() {
    return producers.open();
  }

  @Override
  public void close() {
    producers.close();
  }
}
