package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.flow.FlowQuery;
import dev.rewind.journal.store.Store;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Runs replays: the one entry point for the operator's Replay reconciler and for {@code rewind replay}. It needs
 * no sidecar of the sending workload: it reads the journal, delivers with {@link AttemptRunner} (the same requests
 * live delivery sends, plus {@code Rewind-Replay: <name>}) and journals every attempt with trigger {@code replay}.
 *
 * <p>Every method but {@link #close} returns at once with a {@link Uni} and never blocks the caller's thread; the
 * work runs on Vert.x. Fixing a large matched set takes a while (one statement: seconds for 100,000 events, tens
 * of seconds for 1,000,000), so a reconciler subscribes to {@link #start} and reschedules rather than awaiting it.
 * For a reconciler:
 *
 * <ul>
 *   <li>{@link #start} — "start or resume this replay". Idempotent: the first call fixes the matched set
 *       (Pending → Running, Previewed or Failed); later calls, in this or a restarted process, resume delivery of
 *       a Running replay and otherwise only report. Call it on every reconciliation.
 *   <li>{@link #status} — "what is its status now", from the store: phase and counts, as a
 *       {@link ReplayStatusView} that maps onto the Replay's status.
 *   <li>{@link #cancel} — stop claiming; attempts in flight finish; phase Cancelled.
 *   <li>{@link #delete} — for a finalizer: cancel and remove the replay's rows (its attempts stay in the events'
 *       logs).
 * </ul>
 *
 * <p>Guarantees: the matched set is fixed once and restarts never change it; an item recorded delivered is never
 * claimed again, so the same replay never delivers an event successfully twice. An item whose attempt was in
 * flight when its process died is attempted again after its lease runs out, with the same event id
 * ({@code Rewind-Event-Id}), which consumers deduplicate on. Several processes may run the same replay: claims
 * skip each other's items.
 */
public final class ReplayEngine implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ReplayEngine.class);

  private final Vertx vertx;
  private final ReplayStore store;
  private final FlowQuery flows;
  private final ReplayClaims claims;
  private final AttemptRunner attempts;
  private final ReplayOptions options;
  private final Clock clock;
  private final DeliveryMetrics metrics;
  private final ReplayFailures failures;
  private final Map<UUID, ReplayRun> runs = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Without meters: for a one-shot run (the CLI) whose attempts nobody scrapes. */
  public ReplayEngine(Store store, AttemptRunner attempts, ReplayOptions options, Clock clock) {
    this(store, attempts, new DeliveryMetrics(new CompositeMeterRegistry()), options, clock);
  }

  /**
   * @param attempts the attempt runner, with the HTTP deliverer (and its address policy: cluster or standalone)
   *     and the signing secrets of the process
   * @param metrics where replay attempts are counted and timed, as live ones are, under trigger {@code replay}
   */
  public ReplayEngine(Store store, AttemptRunner attempts, DeliveryMetrics metrics, ReplayOptions options,
      Clock clock) {
    this.vertx = store.vertx().getDelegate();
    this.store = new ReplayStore(store.pool());
    this.claims = new ReplayClaims(store.pool());
    this.failures = new ReplayFailures(store.pool());
    this.flows = new FlowQuery(store.pool());
    this.attempts = attempts;
    this.metrics = metrics;
    this.options = options;
    this.clock = clock;
  }

  /** The store access behind this engine, for lookups by name (the CLI) and checks. */
  public ReplayStore store() {
    return store;
  }

  /**
   * Starts the replay, or resumes it. Completes once its matched set is fixed (a single statement) — not when
   * delivery is done — with its status:
   *
   * <ul>
   *   <li>Pending (new): refused (Failed) when {@link ReplayAdmission} refuses it (a selector that cannot be
   *       resolved, a route or override.retryPolicyRef that does not exist), or when more than maxEvents match; a
   *       dry run ends Previewed; otherwise Running and delivery starts here.
   *   <li>Running: delivery resumes here unless it already runs in this process.
   *   <li>Terminal: nothing happens; a terminal replay never runs again.
   * </ul>
   */
  public Uni<ReplayStatusView> start(ReplayRequest request) {
    if (closed) {
      return Uni.createFrom().failure(new IllegalStateException("the replay engine is closed"));
    }
    return fixed(request)
        .invoke(replay -> {
          if (replay.phase() == ReplayPhase.Running) {
            resume(request, replay);
          }
        })
        .chain(failures::view);
  }

  /**
   * Does what {@link #start} does up to fixing the matched set, but delivers nothing here: a Running replay stays
   * Running until some process starts it. For recording a selection now and delivering it later.
   */
  public Uni<ReplayStatusView> prepare(ReplayRequest request) {
    return fixed(request).chain(failures::view);
  }

  private Uni<ReplayRecord> fixed(ReplayRequest request) {
    return store.register(request.id(), request.namespace(), request.name(), request.spec())
        .chain(replay -> replay.phase() == ReplayPhase.Pending ? begin(request) : Uni.createFrom().item(replay));
  }

  private Uni<ReplayRecord> begin(ReplayRequest request) {
    // Durations in since/until count back from this instant, which is also recorded as the start.
    Instant startedAt = clock.instant();
    ReplayAdmission admission = ReplayAdmission.of(request, startedAt);
    if (!admission.admitted()) {
      return store.refuse(request.id(), admission.refusal().stored());
    }
    return selection(admission, startedAt).chain(selection -> store.fix(request.id(), selection,
        ReplayPlan.maxEvents(request.spec()), ReplayPlan.dryRun(request.spec()), admission.overridePolicy(),
        startedAt));
  }

  /**
   * The admitted selection; with flowRef narrowed to the orders the Flow finds stopped as of the start, read in one
   * statement just before the set is fixed (an order mended in between is still sent again: consumers are
   * idempotent).
   */
  private Uni<ReplaySelection> selection(ReplayAdmission admission, Instant startedAt) {
    FlowScope flow = admission.flow();
    return flow == null ? Uni.createFrom().item(admission.selection())
        : flows.tally(flow.flow(), startedAt).map(tally -> admission.selection().withOrders(flow.orders(tally)));
  }

  private void resume(ReplayRequest request, ReplayRecord replay) {
    if (closed || runs.containsKey(replay.id())) {
      return;
    }
    ReplayPlan plan = new ReplayPlan(request.namespace(), request.spec(), replay.overridePolicy(),
        request.routes(), request.routeNames());
    ReplayRun run = new ReplayRun(vertx, store, claims, attempts, metrics, options, clock, replay, plan);
    if (runs.putIfAbsent(replay.id(), run) != null) {
      return;
    }
    run.done().whenComplete((v, e) -> runs.remove(replay.id(), run));
    run.start();
  }

  /** The replay's status as the store has it now; empty when there is no such replay. */
  public Uni<Optional<ReplayStatusView>> status(UUID id) {
    return store.find(id).chain(this::view);
  }

  /**
   * Cancels the replay: Pending or Running → Cancelled. No process claims its items afterwards; attempts in flight
   * finish and are recorded. A replay that already ended keeps its phase. Empty when there is no such replay.
   */
  public Uni<Optional<ReplayStatusView>> cancel(UUID id) {
    return store.cancel(id).invoke(found -> {
      ReplayRun run = runs.get(id);
      if (run != null) {
        run.stopClaiming();
      }
    }).chain(this::view);
  }

  /** The view of a replay the store may not hold, with the summary of its failures when it ended with some. */
  private Uni<Optional<ReplayStatusView>> view(Optional<ReplayRecord> found) {
    return found.isEmpty() ? Uni.createFrom().item(Optional.empty())
        : failures.view(found.get()).map(Optional::of);
  }

  /** Cancels the replay, waits (up to 10 s) for its attempts here to finish, and removes its rows. */
  public Uni<Boolean> delete(UUID id) {
    return cancel(id)
        .chain(() -> {
          ReplayRun run = runs.get(id);
          return run == null ? Uni.createFrom().voidItem() : run.stop(Duration.ofSeconds(10));
        })
        .chain(() -> store.delete(id));
  }

  /**
   * Completes when this process has nothing more to do for the replay — it ended, or this engine was stopped —
   * with its status then. At once when it does not run here.
   */
  public Uni<ReplayStatusView> finished(UUID id) {
    ReplayRun run = runs.get(id);
    Uni<Void> done = run == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(run.done());
    return done.chain(() -> status(id))
        .map(found -> found.orElseThrow(() -> new IllegalStateException("replay " + id + " is not in the store")));
  }

  /** Whether the replay is being delivered by this process. */
  public boolean runsHere(UUID id) {
    return runs.containsKey(id);
  }

  /**
   * Stops every replay running here: nothing more is claimed, unstarted items are given back at once, attempts in
   * flight finish (up to {@code grace}). The replays stay Running in the store and resume on the next
   * {@link #start}, here or in another process.
   */
  public Uni<Void> stop(Duration grace) {
    closed = true;
    List<Uni<Void>> stops = new ArrayList<>();
    for (ReplayRun run : runs.values()) {
      stops.add(run.stop(grace));
    }
    if (stops.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    LOG.infof("Stopping %d replays", stops.size());
    return Uni.join().all(stops).andCollectFailures().replaceWithVoid();
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10)).await().atMost(Duration.ofSeconds(15));
  }
}
