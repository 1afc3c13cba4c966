package dev.rewind.operator.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.spec.SecretKeySelector;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.HttpDeliverer;
import dev.rewind.journal.delivery.KafkaDeliverer;
import dev.rewind.journal.delivery.SecretSource;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.replay.ReplayEngine;
import dev.rewind.journal.replay.ReplayRequest;
import dev.rewind.journal.replay.ReplayStatusView;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteCatalog;
import dev.rewind.journal.store.Store;
import dev.rewind.operator.config.OperatorSettings;
import dev.rewind.operator.store.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The replay side of the operator process: one journal {@link ReplayEngine} that delivers every Replay this
 * replica leads — no pod of the sending workload needs to be alive — with the operator's own HTTP deliverer (the
 * cluster address policy: loopback and the blocked ranges are refused) and signing secrets, plus the engine calls
 * under way. No Kubernetes client here; the reconciler hands in what it read from the API server.
 *
 * <p>Starting may take seconds (the matched set of a large selection is fixed in one statement), so
 * {@link #start} and {@link #delete} return a {@link Uni} the reconciler tracks in {@link #starts()} and
 * {@link #deletes()} without waiting; {@link #status} is one row read by key and waits at most the store timeout.
 */
public final class ReplayRuntime implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ReplayRuntime.class);
  /** Deep copies of specs whose concurrency is capped: the Replay object from the cache is never changed. */
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The CRD's bound on spec.concurrency: the connection pool never limits a Replay below its own setting. */
  private static final int MOST_CONNECTIONS_PER_HOST = 256;

  private final Store store;
  private final HttpDeliverer deliverer;
  private final KafkaDeliverer kafka;
  private final SecretSource secrets;
  private final ReplayEngine engine;
  private final RouteCatalog catalog;
  private final int maxConcurrency;
  private final Duration timeout;
  private final EngineCalls<ReplayStatusView> starts = new EngineCalls<>();
  private final EngineCalls<Boolean> deletes = new EngineCalls<>();
  private final AtomicReference<Uni<Integer>> schema = new AtomicReference<>();

  private ReplayRuntime(Store store, HttpDeliverer deliverer, KafkaDeliverer kafka, SecretSource secrets,
      ReplayEngine engine,
      int maxConcurrency) {
    this.store = store;
    this.deliverer = deliverer;
    this.kafka = kafka;
    this.secrets = secrets;
    this.engine = engine;
    this.catalog = new RouteCatalog(store.pool());
    this.maxConcurrency = maxConcurrency;
    this.timeout = store.writeTimeout();
  }

  /**
   * @param addresses where replayed events may not go (the operator's: loopback and blocked ranges refused)
   * @param secrets signing secrets, read when a replayed route signs
   * @param metrics where replay attempts are counted and timed
   */
  public static ReplayRuntime create(Store store, OperatorSettings.Replay settings, AddressPolicy addresses,
      SecretSource secrets, DeliveryMetrics metrics, Clock clock) {
    HttpDeliverer deliverer = new HttpDeliverer(store.vertx().getDelegate(), addresses, MOST_CONNECTIONS_PER_HOST);
    KafkaDeliverer kafka = new KafkaDeliverer(store.vertx().getDelegate(), addresses, secrets);
    AttemptRunner attempts = new AttemptRunner(deliverer, kafka, secrets, clock, settings.responseBodyLimit());
    ReplayEngine engine = new ReplayEngine(store, attempts, metrics, settings.options(), clock);
    return new ReplayRuntime(store, deliverer, kafka, secrets, engine, settings.maxConcurrency());
  }

  /** Start calls under way or answered, by replay id. */
  public EngineCalls<ReplayStatusView> starts() {
    return starts;
  }

  /** Delete calls under way or answered, by replay id. */
  public EngineCalls<Boolean> deletes() {
    return deletes;
  }

  /**
   * Starts or resumes the replay (the engine makes it idempotent), with the routes the operator published for
   * its namespace now. Completes once the matched set is fixed, not when delivery is done.
   *
   * @param policies the RetryPolicy override.retryPolicyRef names, by name, if it exists
   * @param flow the Flow flowRef names resolved against its Routes, or null (no flowRef, or no such Flow)
   */
  public Uni<ReplayStatusView> start(Replay replay, Map<String, RetryPolicySpec> policies, FlowRoutes flow) {
    String namespace = replay.getMetadata().getNamespace();
    ReplaySpec spec = capped(replay.getSpec(), maxConcurrency);
    if (spec != replay.getSpec()) {
      LOG.infof("%s/%s: concurrency %d capped to %d (rewind.replay.max-concurrency)", namespace,
          replay.getMetadata().getName(), replay.getSpec().getConcurrency(), maxConcurrency);
    }
    return prepared()
        .chain(() -> catalog.load(namespace))
        // Reading a signing Secret may block (an API server call); doing it here, off the event loop, means the
        // attempts, which run on the event loop, find it cached.
        .emitOn(Infrastructure.getDefaultWorkerPool())
        .map(routes -> new ReplayRequest(UUID.fromString(replay.getMetadata().getUid()), namespace,
            replay.getMetadata().getName(), spec, byName(routes), policies, flow))
        .invoke(this::readSigningSecrets)
        .chain(engine::start)
        .onFailure().transform(e -> unavailable("start replay " + namespace + "/" + replay.getMetadata().getName(),
            e));
  }

  /** Cancels the replay, lets its attempts under way here finish (up to 10 s), and removes its rows. */
  public Uni<Boolean> delete(UUID id) {
    return prepared().chain(() -> engine.delete(id)).onFailure().transform(e -> unavailable("delete replay " + id,
        e));
  }

  /** Whether this process is delivering the replay. */
  public boolean runsHere(UUID id) {
    return engine.runsHere(id);
  }

  /**
   * Runs {@code then} once this process has nothing more to do for the replay: it ended, or delivery here was
   * stopped. Whatever happened, {@code then} is the reconciler's trigger, and that pass reads the store itself.
   */
  public void whenFinishedHere(UUID id, Runnable then) {
    engine.finished(id).subscribe().with(
        view -> then.run(),
        failure -> {
          LOG.debugf(failure, "Replay %s: reading its status after delivery ended here failed", id);
          then.run();
        });
  }

  /**
   * The replay's status as the store has it now; empty when the store has no such replay.
   *
   * @throws StoreUnavailableException when the store does not answer within its timeout
   */
  public Optional<ReplayStatusView> status(UUID id) {
    try {
      return engine.status(id).await().atMost(timeout);
    } catch (RuntimeException e) {
      throw unavailable("read the status of replay " + id, e);
    }
  }

  /**
   * Stops delivering: nothing more is claimed, claimed items not yet started are given back at once, attempts
   * under way get {@code grace} to finish and be recorded. The replays stay Running in the store, for the next
   * leader (or this process after a restart) to resume.
   */
  public void stop(Duration grace) {
    engine.stop(grace).await().atMost(grace.plusSeconds(5));
  }

  @Override
  public void close() {
    kafka.close();
    deliverer.close();
  }

  /**
   * The spec to run: the Replay's own (the same object) when its concurrency is within {@code maxConcurrency},
   * else a copy with the concurrency capped.
   */
  static ReplaySpec capped(ReplaySpec spec, int maxConcurrency) {
    if (spec.getConcurrency() == null || spec.getConcurrency() <= maxConcurrency) {
      return spec;
    }
    ReplaySpec copy = JSON.convertValue(spec, ReplaySpec.class);
    copy.setConcurrency(maxConcurrency);
    return copy;
  }

  private void readSigningSecrets(ReplayRequest request) {
    for (String name : request.routeNames()) {
      ResolvedRoute route = request.routes().get(name);
      if (route != null && route.spec().getSigning() != null && route.spec().getSigning().getSecretRef() != null) {
        SecretKeySelector ref = route.spec().getSigning().getSecretRef();
        secrets.get(request.namespace(), ref.getName(), ref.getKey());
      }
    }
  }

  private static Map<String, ResolvedRoute> byName(List<ResolvedRoute> routes) {
    return routes.stream().collect(Collectors.toMap(ResolvedRoute::name, Function.identity()));
  }

  /**
   * Migrates the schema on first use, as the Route side does: an operator whose first object is a Replay works
   * on a fresh store too. Store.prepare is idempotent (an advisory lock, checksums), so both sides may run it.
   */
  private Uni<Integer> prepared() {
    Uni<Integer> attempt = schema.updateAndGet(current -> current != null ? current
        : Uni.createFrom().deferred(store::prepare).memoize().indefinitely());
    return attempt.onFailure().invoke(e -> schema.compareAndSet(attempt, null));
  }

  private static StoreUnavailableException unavailable(String what, Throwable e) {
    if (e instanceof StoreUnavailableException already) {
      return already;
    }
    String message = e instanceof io.smallrye.mutiny.TimeoutException ? "no answer in time"
        : e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    return new StoreUnavailableException("journal store: cannot " + what + ": " + message, e);
  }
}
