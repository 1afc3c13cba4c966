package dev.rewind.operator.reconciler;

import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference;
import dev.rewind.api.v1alpha1.replay.spec.ReplayOverride;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.replay.FlowScope;
import dev.rewind.journal.replay.ReplayStatusView;
import dev.rewind.operator.model.ReplayBackoff;
import dev.rewind.operator.model.ReplayDeletionStep;
import dev.rewind.operator.model.ReplayRoutes;
import dev.rewind.operator.model.ReplayStatuses;
import dev.rewind.operator.model.ReplayStep;
import dev.rewind.operator.replay.EngineCalls;
import dev.rewind.operator.replay.ReplayRuntime;
import dev.rewind.operator.store.StoreUnavailableException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Replay → the journal's replay engine, and the engine's record → the Replay's status. A Replay is a one-shot
 * request; its life is {@code dev.rewind.journal.replay.ReplayStateMachine}'s, kept in the store, which every
 * phase change goes through:
 *
 * <pre>
 *   Pending ──► Running ──► Succeeded | PartiallyFailed | Failed | Cancelled
 *      └──────► Previewed (dry run) | Failed (refused: no such route or override policy, a selector that
 *                                            cannot be resolved, too many events) | Cancelled
 * </pre>
 *
 * <p>Each pass is one {@link ReplayStep}: a terminal Replay is kept as it is, never run again; otherwise the
 * reconciler reports a finished engine call, waits for one under way, reads the counts of a replay this process
 * delivers, or starts (or resumes) it. Starting fixes the matched set in the store, which takes seconds for a
 * large selection, so it is never awaited here: the call is tracked in {@link EngineCalls} and its end triggers a
 * reconciliation through the {@value #ENGINE} event source. While the replay is not terminal the pass comes back
 * every status interval; the status is written only when it changed, as a patch of name, namespace and status.
 *
 * <p>A start or status read that fails (the store does not answer) is not thrown to JOSDK: the pass that reports
 * a failed start follows a pass that succeeded (the one that began it), which resets JOSDK's retry, so its backoff
 * would never grow. The reconciler backs off itself instead ({@link ReplayBackoff}: 1 s doubling to a minute),
 * says so in the status message, and logs one line per failure. A spec the engine cannot resolve is not such a
 * failure: the engine refuses the replay (Failed, the condition naming the field) and it is never retried.
 *
 * <p>Only the leader reconciles, so only the leader delivers; a replica that loses the lease stops its replays
 * (they stay Running in the store) and exits, and the next leader resumes them: its first pass of each Running
 * Replay is a START, which the engine turns into a resume of the same, fixed matched set. Deleting a Replay
 * cancels it and removes its rows from the store ({@link Cleaner}: that state lives outside the cluster, so a
 * finalizer holds the Replay until it is done); its attempts stay in the events' logs.
 */
@ControllerConfiguration(name = ReplayReconciler.NAME)
public final class ReplayReconciler implements Reconciler<Replay>, Cleaner<Replay> {

  public static final String NAME = "replay";
  /** The event source through which the end of an engine call triggers a reconciliation. */
  static final String ENGINE = "replay-engine";

  private static final Logger LOG = Logger.getLogger(ReplayReconciler.class);

  private final ReplayRuntime replays;
  private final Duration interval;
  private final Clock clock;
  private final ReplayEvents events;
  private final SimpleInboundEventSource<Replay> engineCalls = new SimpleInboundEventSource<>(ENGINE);
  /** Replays whose last start or status read failed, until one succeeds; by replay id. */
  private final Map<UUID, ReplayBackoff> backoffs = new ConcurrentHashMap<>();

  /**
   * @param interval how often a Replay that has not ended is reconciled (its counts refreshed)
   * @param instance this replica's name, reported on the Replay's Events
   * @param meters where finished Replays are counted
   */
  public ReplayReconciler(ReplayRuntime replays, Duration interval, Clock clock, String instance,
      MeterRegistry meters) {
    this.replays = replays;
    this.interval = interval;
    this.clock = clock;
    this.events = new ReplayEvents(clock, instance, meters);
  }

  @Override
  public List<EventSource<?, Replay>> prepareEventSources(EventSourceContext<Replay> context) {
    return List.of(engineCalls);
  }

  @Override
  public UpdateControl<Replay> reconcile(Replay replay, Context<Replay> context) {
    UUID id = id(replay);
    Instant now = clock.instant();
    EngineCalls.Poll<ReplayStatusView> start;
    try {
      start = replays.starts().poll(id);
    } catch (RuntimeException failedStart) {
      return backOff(replay, id, failedStart, now);
    }
    ReplayBackoff backoff = backoffs.get(id);
    boolean backingOff = backoff != null && backoff.waiting(now);
    ReplayStep step = ReplayStep.next(ReplayStatuses.phase(replay), start.state(), replays.runsHere(id),
        backingOff);
    ReplayStatus desired;
    try {
      desired = switch (step) {
        case KEEP -> replay.getStatus();
        case REPORT -> report(replay, id, start.answer(), now);
        case WAIT -> ReplayStatuses.starting(replay, now);
        case BACK_OFF -> ReplayStatuses.starting(replay, now);
        case REFRESH -> refresh(replay, id, context, now);
        case START -> start(replay, id, context, now);
      };
    } catch (StoreUnavailableException failedRead) {
      return backOff(replay, id, failedRead, now);
    }
    UpdateControl<Replay> control = write(replay, desired, context);
    return step == ReplayStep.BACK_OFF ? control.rescheduleAfter(backoff.remaining(now)) : control;
  }

  /**
   * A start or status read failed: the status says what and when it is tried again, and the pass comes back
   * then, each consecutive failure waiting twice as long (up to a minute). One log line per failure; the stack
   * trace only when the failure is not the store's (a bug), and at debug level always.
   */
  private UpdateControl<Replay> backOff(Replay replay, UUID id, RuntimeException e, Instant now) {
    if (ReplayStatuses.isTerminal(replay)) {
      // A late answer for a Replay whose status already ended it: that status is the record, left as it is.
      backoffs.remove(id);
      LOG.debugf(e, "%s: an engine call failed after the replay ended", StatusPatches.id(replay));
      return UpdateControl.noUpdate();
    }
    ReplayBackoff backoff = backoffs.merge(id, ReplayBackoff.after(null, now),
        (previous, first) -> ReplayBackoff.after(previous, now));
    String problem = e instanceof StoreUnavailableException ? e.getMessage()
        : "reconciliation failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    if (e instanceof StoreUnavailableException) {
      LOG.warnf("%s: %s; retrying in %s (failure %d)", StatusPatches.id(replay), problem,
          Durations.format(backoff.delay()), backoff.failures());
      LOG.debugf(e, "%s: the failure", StatusPatches.id(replay));
    } else {
      LOG.warnf(e, "%s: %s; retrying in %s (failure %d)", StatusPatches.id(replay), problem,
          Durations.format(backoff.delay()), backoff.failures());
    }
    ReplayStatus desired = ReplayStatuses.retrying(replay, problem, backoff.delay(), now);
    UpdateControl<Replay> control = StatusPatches.changed(replay, desired)
        ? UpdateControl.patchStatus(StatusPatches.minimal(replay, desired, Replay::new))
        : UpdateControl.noUpdate();
    return control.rescheduleAfter(backoff.delay());
  }

  @Override
  public ErrorStatusUpdateControl<Replay> updateErrorStatus(Replay replay, Context<Replay> context, Exception e) {
    if (ReplayStatuses.isTerminal(replay)) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    String problem = e instanceof StoreUnavailableException ? e.getMessage()
        : "reconciliation failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    ReplayStatus desired = ReplayStatuses.retrying(replay, problem, clock.instant());
    // JOSDK logs the exception itself and retries with backoff; the status tells the user.
    return StatusPatches.changed(replay, desired)
        ? ErrorStatusUpdateControl.patchStatus(StatusPatches.minimal(replay, desired, Replay::new))
        : ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * Cancels the replay (no event is claimed any more, attempts under way finish and are recorded) and removes
   * it from the store, without waiting here: the finalizer stays until the engine is done (one
   * {@link ReplayDeletionStep} per pass).
   */
  @Override
  public DeleteControl cleanup(Replay replay, Context<Replay> context) {
    UUID id = id(replay);
    switch (ReplayDeletionStep.next(replays.starts().state(id), replays.deletes().state(id))) {
      case WAIT_FOR_START -> LOG.debugf("%s: deleted while its matched set is being fixed; cancelling it once that"
          + " is done", StatusPatches.id(replay));
      case DELETE -> {
        replays.starts().forget(id);
        backoffs.remove(id);
        if (!ReplayStatuses.isTerminal(replay)) {
          LOG.infof("%s: deleted while %s; cancelling it", StatusPatches.id(replay), ReplayStatuses.phase(replay));
        }
        replays.deletes().begin(id, () -> replays.delete(id), () -> triggerFor(replay));
      }
      case WAIT_FOR_DELETE -> LOG.debugf("%s: waiting for the attempts under way to end", StatusPatches.id(replay));
      case DONE -> {
        // A failed delete throws here; JOSDK retries the cleanup, which asks the engine again.
        replays.deletes().poll(id);
        LOG.infof("%s: deleted; cancelled and removed from the journal store (its attempts stay in the events'"
            + " logs)", StatusPatches.id(replay));
        return DeleteControl.defaultDelete();
      }
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(interval);
  }

  /**
   * The status a start answered. When that start set delivery going here, its end triggers a pass too, so the
   * final status is written at once rather than at the next interval.
   */
  private ReplayStatus report(Replay replay, UUID id, ReplayStatusView view, Instant now) {
    // A start answered: whatever failed before is over.
    backoffs.remove(id);
    if (view.phase() == ReplayPhase.Running && replays.runsHere(id)) {
      replays.whenFinishedHere(id, () -> triggerFor(replay));
    }
    return ReplayStatuses.of(replay, view, now);
  }

  /** Reads the counts of a replay this process delivers; one it no longer finds is started again. */
  private ReplayStatus refresh(Replay replay, UUID id, Context<Replay> context, Instant now) {
    Optional<ReplayStatusView> view = replays.status(id);
    backoffs.remove(id);
    return view.map(found -> ReplayStatuses.of(replay, found, now))
        .orElseGet(() -> start(replay, id, context, now));
  }

  /**
   * Starts (or resumes) the replay without waiting; its end triggers the pass that reports it. A replay not
   * started yet first waits for Routes that exist but were never published ({@link ReplayRoutes}); the next pass
   * (after the interval) looks again.
   */
  private ReplayStatus start(Replay replay, UUID id, Context<Replay> context, Instant now) {
    ReplayPhase phase = ReplayStatuses.phase(replay);
    FlowRoutes flow = flow(replay, context);
    if (phase == null || phase == ReplayPhase.Pending) {
      String namespace = replay.getMetadata().getNamespace();
      List<String> names = flow != null && flow.ready()
          ? FlowScope.routesHere(namespace, replay.getSpec().getFlowRef(), flow.hops())
          : replay.getSpec().routeNames();
      String waiting = ReplayRoutes.waitingFor(names, name -> context.getClient()
          .resources(Route.class).inNamespace(namespace).withName(name).get());
      if (waiting != null) {
        LOG.debugf("%s: %s", StatusPatches.id(replay), waiting);
        return ReplayStatuses.waiting(replay, waiting, now);
      }
    }
    Map<String, RetryPolicySpec> policies = overridePolicy(replay, context);
    if (replays.starts().begin(id, () -> replays.start(replay, policies, flow), () -> triggerFor(replay))) {
      LOG.debugf("%s: starting (or resuming) the replay", StatusPatches.id(replay));
    }
    return ReplayStatuses.starting(replay, now);
  }

  /**
   * The RetryPolicy override.retryPolicyRef names, for a replay that has not started. Read from the API server
   * rather than an informer cache: it is needed once (the engine keeps it with the replay when it starts), and a
   * policy applied together with the Replay must not be missed because a cache has not caught up yet — a
   * one-shot request refused for a missing policy stays refused. A policy that does not exist is left out, and
   * the engine refuses the replay saying so.
   */
  private static Map<String, RetryPolicySpec> overridePolicy(Replay replay, Context<Replay> context) {
    ReplayOverride override = replay.getSpec().getOverride();
    ReplayPhase phase = ReplayStatuses.phase(replay);
    if (override == null || override.getRetryPolicyRef() == null || (phase != null && phase != ReplayPhase.Pending)) {
      return Map.of();
    }
    String name = override.getRetryPolicyRef().getName();
    RetryPolicy policy = context.getClient().resources(RetryPolicy.class)
        .inNamespace(replay.getMetadata().getNamespace()).withName(name).get();
    return policy == null ? Map.of() : Map.of(name, policy.getSpec());
  }

  /**
   * The Flow spec.flowRef names, resolved against its hops' Routes, or null without flowRef or when there is no
   * such Flow (the engine refuses a new replay then). Read from the API server for the reason the override policy
   * is, and again when a running replay resumes: its hops say which routes it delivers to.
   */
  private static FlowRoutes flow(Replay replay, Context<Replay> context) {
    ReplayFlowReference ref = replay.getSpec().getFlowRef();
    if (ref == null) {
      return null;
    }
    Flow flow = context.getClient().resources(Flow.class).inNamespace(replay.getMetadata().getNamespace())
        .withName(ref.getName()).get();
    return flow == null ? null : FlowRouteReader.read(context.getClient(), flow);
  }

  /** Patches the status if it changed; comes back after the interval until the replay ends. */
  private UpdateControl<Replay> write(Replay replay, ReplayStatus desired, Context<Replay> context) {
    UpdateControl<Replay> control = UpdateControl.noUpdate();
    if (StatusPatches.changed(replay, desired)) {
      logTransition(replay, desired);
      events.phaseChanged(context.getClient(), replay, desired);
      control = UpdateControl.patchStatus(StatusPatches.minimal(replay, desired, Replay::new));
    }
    return ReplayStep.refreshes(desired.getPhase()) ? control.rescheduleAfter(interval) : control;
  }

  private void triggerFor(Replay replay) {
    engineCalls.propagateEvent(ResourceID.fromResource(replay));
  }

  private static void logTransition(Replay replay, ReplayStatus desired) {
    if (desired.getPhase() != ReplayStatuses.phase(replay)) {
      LOG.infof("%s: %s: %s", StatusPatches.id(replay), desired.getPhase(), desired.getMessage());
    }
  }

  /** The replay's key in the store: its uid, so a Replay deleted and created again is a new replay. */
  private static UUID id(Replay replay) {
    return UUID.fromString(replay.getMetadata().getUid());
  }
}
