package dev.rewind.operator.replay;

import dev.rewind.journal.delivery.SecretSource;
import io.smallrye.mutiny.Uni;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Signing secrets for replays, read from the API server: {@code get} of one Secret in the Replay's namespace, for
 * namespaces that opted in ({@code rewind.replay.signing-secret-namespaces}) only. The operator holds no
 * cluster-wide right on Secrets; elsewhere, and when a Secret or key does not exist, this answers null and the
 * engine records the attempt as {@code config-error} naming the Secret.
 *
 * <p>Values are kept for a short time ({@code rewind.replay.secret-cache-ttl}) so a replay of thousands of events
 * reads each Secret once, not once per attempt. Attempts run on the event loop and use {@link #lookup}, which
 * never blocks: a cached value answers at once (one that aged past the TTL is still used while a background read
 * refreshes it), and a first read runs on this source's own thread. A failed read (the API server unreachable)
 * is remembered for a few seconds too, so a burst of attempts does not become a burst of API calls; those
 * attempts end config-error with the reason. A rotated Secret takes effect within the TTL.
 */
public final class ApiSecretSource implements SecretSource, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ApiSecretSource.class);

  private record Key(String namespace, String name, String key) {
    @Override
    public String toString() {
      return namespace + "/" + name + " (key " + key + ")";
    }
  }

  /**
   * A read value, or null for a Secret or key that does not exist, and when it was read; or why it could not be
   * read ({@code failure}), remembered for {@link #FAILURE_TTL}.
   */
  private record Entry(String value, long readAtNanos, String failure) {
    Entry(String value, long readAtNanos) {
      this(value, readAtNanos, null);
    }
  }

  /** How long a failed read is answered from memory before the API server is asked again. */
  static final Duration FAILURE_TTL = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final Predicate<String> optedIn;
  private final long ttlNanos;
  private final LongSupplier nanos;
  private final Map<Key, Entry> cache = new ConcurrentHashMap<>();
  private final Set<Key> refreshing = ConcurrentHashMap.newKeySet();
  private final Set<String> explained = ConcurrentHashMap.newKeySet();
  private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "rewind-signing-secrets");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * @param optedIn whether Secrets of a namespace may be read
   * @param nanos a monotonic clock ({@code System::nanoTime})
   */
  public ApiSecretSource(KubernetesClient client, Predicate<String> optedIn, Duration ttl, LongSupplier nanos) {
    this.client = client;
    this.optedIn = optedIn;
    this.ttlNanos = ttl.toNanos();
    this.nanos = nanos;
  }

  /** Never blocks the caller: see the class comment. */
  @Override
  public Uni<String> lookup(String namespace, String name, String key) {
    if (!optedIn.test(namespace)) {
      return Uni.createFrom().item(get(namespace, name, key));
    }
    Key k = new Key(namespace, name, key);
    Entry entry = cache.get(k);
    if (entry != null && entry.failure() != null
        && nanos.getAsLong() - entry.readAtNanos() <= FAILURE_TTL.toNanos()) {
      return Uni.createFrom().failure(new IllegalStateException(entry.failure()));
    }
    if (entry != null && entry.failure() == null) {
      return Uni.createFrom().item(get(namespace, name, key));
    }
    return Uni.createFrom().item(() -> get(namespace, name, key)).runSubscriptionOn(refresher)
        .chain(value -> {
          Entry now = cache.get(k);
          return now != null && now.failure() != null && value == null
              ? Uni.createFrom().failure(new IllegalStateException(now.failure()))
              : Uni.createFrom().item(value);
        });
  }

  @Override
  public String get(String namespace, String name, String key) {
    if (!optedIn.test(namespace)) {
      explainOnce("namespace:" + namespace, "Namespace %s is not in rewind.replay.signing-secret-namespaces:"
          + " replayed events of routes that sign there (Secret %s) end config-error. List the namespace and grant"
          + " the operator get on its secrets (operator README, RBAC).", namespace, name);
      return null;
    }
    Key k = new Key(namespace, name, key);
    Entry entry = cache.get(k);
    if (entry == null || entry.failure() != null) {
      return read(k, null);
    }
    if (nanos.getAsLong() - entry.readAtNanos() > ttlNanos && refreshing.add(k)) {
      refresher.execute(() -> {
        try {
          read(k, entry);
        } finally {
          refreshing.remove(k);
        }
      });
    }
    return entry.value();
  }

  /**
   * Reads the Secret and caches what it says, absence included. A failure to reach the API server keeps the
   * previous value, if any, and is not cached, so the next use tries again.
   */
  private String read(Key k, Entry previous) {
    try {
      Secret secret = client.secrets().inNamespace(k.namespace()).withName(k.name()).get();
      String value = valueOf(secret, k.key());
      cache.put(k, new Entry(value, nanos.getAsLong()));
      if (value == null) {
        explainOnce("missing:" + k, "Signing Secret %s does not exist: replayed events of routes signing with it"
            + " end config-error", k, null);
      }
      return value;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
        cache.put(k, new Entry(null, nanos.getAsLong()));
        explainOnce("forbidden:" + k.namespace(), "The operator may not read Secrets in namespace %s although"
            + " rewind.replay.signing-secret-namespaces lists it: grant it get on secrets there (operator README,"
            + " RBAC). Secret %s is treated as missing.", k.namespace(), k.name());
        return null;
      }
      LOG.warnf("Could not read signing Secret %s (%s); %s", k, e.getMessage(),
          previous != null ? "using the value read before" : "attempts that need it end config-error meanwhile");
      if (previous != null) {
        return previous.value();
      }
      cache.put(k, new Entry(null, nanos.getAsLong(), "the API server did not answer: " + e.getMessage()));
      return null;
    }
  }

  private static String valueOf(Secret secret, String key) {
    if (secret == null || secret.getData() == null || !secret.getData().containsKey(key)) {
      return null;
    }
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private void explainOnce(String topic, String format, Object first, Object second) {
    if (explained.add(topic)) {
      LOG.warnf(format, first, second);
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
