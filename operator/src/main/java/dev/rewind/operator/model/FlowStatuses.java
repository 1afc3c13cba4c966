package dev.rewind.operator.model;

import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowStatus;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.flow.FlowTally;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The status a Flow should have, from its resolved Routes and, when they resolve, the tally of its orders. Pure.
 *
 * <p>Conditions: {@code Ready} (every hop is a Route this Flow may follow, with a correlation id; reasons
 * {@code Resolved}, {@code InvalidHops}, or {@code StoreUnavailable} while the orders cannot be read) and
 * {@code Healthy} ({@code Flowing}, or False with {@code OrdersBroken} / {@code OrdersFailed}). The counts stay as
 * last read while the store does not answer.
 */
public final class FlowStatuses {

  public static final String RESOLVED = "Resolved";
  public static final String INVALID_HOPS = "InvalidHops";
  public static final String STORE_UNAVAILABLE = "StoreUnavailable";
  public static final String FLOWING = "Flowing";
  public static final String ORDERS_BROKEN = "OrdersBroken";
  public static final String ORDERS_FAILED = "OrdersFailed";
  /** How many broken correlation ids the status lists. */
  public static final int SAMPLE = 20;

  private FlowStatuses() {}

  /**
   * @param tally the orders' tally; null when the hops do not resolve or the store did not answer
   * @param storeProblem why the orders could not be read; null when they were (or were not asked for)
   */
  public static FlowStatus desired(Flow flow, FlowRoutes routes, FlowTally tally, String storeProblem, Instant now) {
    FlowStatus previous = flow.getStatus();
    Long generation = flow.getMetadata().getGeneration();
    FlowStatus status = new FlowStatus();
    status.setObservedGeneration(generation);
    status.setHopCount(flow.getSpec().getHops() == null ? 0 : flow.getSpec().getHops().size());
    StatusConditions conditions =
        StatusConditions.after(previous == null ? null : previous.getConditions(), generation, now);
    if (!routes.ready()) {
      conditions.set(FlowStatus.READY, false, INVALID_HOPS, String.join("; ", routes.problems()));
    } else if (storeProblem != null) {
      conditions.set(FlowStatus.READY, false, STORE_UNAVAILABLE, storeProblem + "; retrying");
    } else {
      conditions.set(FlowStatus.READY, true, RESOLVED, "following " + routes.hops().hops().size() + " hops: "
          + String.join(" -> ", routes.hops().hops().stream().map(Object::toString).toList()));
    }
    if (tally != null) {
      counts(status, routes, tally);
      healthy(conditions, tally);
    } else if (previous != null) {
      carry(status, previous);
      StatusConditions.find(previous.getConditions(), FlowStatus.HEALTHY)
          .ifPresent(c -> conditions.set(c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
    }
    status.setConditions(conditions.build());
    return status;
  }

  private static void counts(FlowStatus status, FlowRoutes routes, FlowTally tally) {
    status.setEntered(tally.entered());
    status.setComplete(tally.complete());
    status.setInFlight(tally.inFlight());
    status.setFailed(tally.failed());
    status.setBroken(tally.brokenCount());
    List<FlowStatus.FlowHopStatus> hops = new ArrayList<>();
    for (int k = 0; k < routes.hops().hops().size(); k++) {
      hops.add(new FlowStatus.FlowHopStatus(routes.hops().hops().get(k).toString(), tally.reached().get(k),
          tally.brokenAfter().get(k), tally.failedAt().get(k)));
    }
    status.setHops(hops);
    status.setBrokenSample(tally.broken().stream().limit(SAMPLE).map(FlowTally.Stopped::correlationId).toList());
  }

  private static void healthy(StatusConditions conditions, FlowTally tally) {
    if (tally.brokenCount() > 0) {
      FlowTally.Stopped first = tally.broken().get(0);
      conditions.set(FlowStatus.HEALTHY, false, ORDERS_BROKEN, tally.brokenCount() + " orders broken: a hop"
          + " delivered them and the next never captured them (the oldest, " + first.correlationId()
          + ", after hop " + first.hop() + "); " + tally.failed() + " failed. See rewind flow <correlation id>; a"
          + " Replay with flowRef re-delivers them.");
    } else if (tally.failed() > 0) {
      conditions.set(FlowStatus.HEALTHY, false, ORDERS_FAILED, tally.failed() + " orders failed: a hop gave up"
          + " on them (dead); a Replay with flowRef and state failed re-delivers them.");
    } else {
      conditions.set(FlowStatus.HEALTHY, true, FLOWING, tally.complete() + " complete, " + tally.inFlight()
          + " in flight of " + tally.entered() + " orders.");
    }
  }

  private static void carry(FlowStatus status, FlowStatus previous) {
    status.setEntered(previous.getEntered());
    status.setComplete(previous.getComplete());
    status.setInFlight(previous.getInFlight());
    status.setFailed(previous.getFailed());
    status.setBroken(previous.getBroken());
    status.setHops(previous.getHops());
    status.setBrokenSample(previous.getBrokenSample());
    status.setEvaluatedAt(previous.getEvaluatedAt());
  }
}
