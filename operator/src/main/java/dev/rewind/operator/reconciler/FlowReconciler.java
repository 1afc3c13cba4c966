package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowStatus;
import dev.rewind.journal.flow.FlowQuery;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.flow.FlowTally;
import dev.rewind.operator.model.FlowStatuses;
import dev.rewind.operator.model.StatusConditions;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Flow → where its orders stand. Each pass reads the Routes its hops name (they must exist, extract a correlation
 * id and, across namespaces, share their events: {@link FlowRoutes}), then the orders of the lookback from the
 * journal in one statement ({@link FlowQuery}), and writes the counts, a sample of broken correlation ids and the
 * Ready and Healthy conditions — only when something changed. Only the leader reconciles, so only the leader reads
 * the journal; a Flow is evaluated again every interval, and an edited Route is seen at the next pass.
 */
@ControllerConfiguration(name = FlowReconciler.NAME)
public final class FlowReconciler implements Reconciler<Flow>, Cleaner<Flow> {

  public static final String NAME = "flow";

  private static final Logger LOG = Logger.getLogger(FlowReconciler.class);

  private final FlowQuery query;
  private final Duration interval;
  private final Duration timeout;
  private final Clock clock;
  private final BiConsumer<Flow, FlowTally> tallied;
  private final Consumer<Flow> deleted;
  private final FlowEvents events;

  /**
   * @param interval how often a Flow's orders are read again
   * @param timeout longest the orders' read may take
   * @param tallied told each Flow's fresh tally (the gauges)
   * @param deleted told each Flow that is deleted (its gauges go)
   * @param instance this operator process, as the source of its Events
   */
  public FlowReconciler(FlowQuery query, Duration interval, Duration timeout, Clock clock,
      BiConsumer<Flow, FlowTally> tallied, Consumer<Flow> deleted, String instance) {
    this.query = query;
    this.interval = interval;
    this.timeout = timeout;
    this.clock = clock;
    this.tallied = tallied;
    this.deleted = deleted;
    this.events = new FlowEvents(clock, instance);
  }

  /**
   * A deleted Flow's gauges go with it ({@link Cleaner}: the gauges are state outside the cluster, so the Flow
   * carries a finalizer the operator removes once they are gone; nothing in the store is the Flow's).
   */
  @Override
  public DeleteControl cleanup(Flow flow, Context<Flow> context) {
    deleted.accept(flow);
    return DeleteControl.defaultDelete();
  }

  @Override
  public UpdateControl<Flow> reconcile(Flow flow, Context<Flow> context) {
    Instant now = clock.instant();
    FlowRoutes routes = FlowRouteReader.read(context.getClient(), flow);
    FlowTally tally = null;
    String storeProblem = null;
    if (routes.ready()) {
      try {
        tally = query.tally(routes.hops(), now).await().atMost(timeout);
        tallied.accept(flow, tally);
      } catch (RuntimeException e) {
        storeProblem = "the journal store did not answer: " + e.getMessage();
        LOG.warnf("%s: %s", StatusPatches.id(flow), storeProblem);
      }
    }
    FlowStatus desired = FlowStatuses.desired(flow, routes, tally, storeProblem, now);
    // When the figures were read is news only with new figures: an unchanged Flow writes nothing.
    desired.setEvaluatedAt(flow.getStatus() == null ? null : flow.getStatus().getEvaluatedAt());
    if (!StatusPatches.changed(flow, desired)) {
      return UpdateControl.<Flow>noUpdate().rescheduleAfter(interval);
    }
    if (tally != null) {
      desired.setEvaluatedAt(StatusConditions.timestamp(now));
    }
    events.record(context.getClient(), flow, desired);
    return UpdateControl.patchStatus(StatusPatches.minimal(flow, desired, Flow::new)).rescheduleAfter(interval);
  }
}
