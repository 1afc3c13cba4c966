package dev.rewind.operator.model;

import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.journal.replay.ReplayStatusView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The status a Replay should carry. The journal store is the source of truth for a replay's phase and counts; the
 * Replay's status is a copy of it, so every mapping here is deterministic: the same store record gives an equal
 * status, and the reconciler writes only when that differs from what the object carries.
 *
 * <ul>
 *   <li>{@link #of}: what the store says ({@link ReplayStatusView#toStatus}), stamped with the generation; its
 *       conditions (Complete only on success, Failed otherwise, never both — see {@link ReplayStatusView}) go
 *       through {@link StatusConditions}, so a condition's lastTransitionTime moves only when its status or
 *       reason does, as every Rewind condition's.
 *   <li>{@link #starting}: the store has not answered yet (its matched set is being fixed, which takes seconds for
 *       a large selection): the status the Replay already carries, or Pending for a new one.
 *   <li>{@link #retrying}: the pass failed (the store did not answer): the status it carries, with a message
 *       saying what failed and when it is tried again.
 * </ul>
 */
public final class ReplayStatuses {

  /** The message of a Replay whose matched set is being fixed; the same words the store's view uses. */
  static final String FIXING = "waiting for its matched set to be fixed";

  private ReplayStatuses() {}

  /**
   * The status the store's view of the replay maps to.
   *
   * @param now when a condition that transitions in this pass is stamped as having done so
   */
  public static ReplayStatus of(Replay replay, ReplayStatusView view, Instant now) {
    Long generation = replay.getMetadata().getGeneration();
    ReplayStatus status = view.toStatus(generation);
    StatusConditions conditions = StatusConditions.after(replay.getStatus() == null ? null
        : replay.getStatus().getConditions(), generation, now);
    for (Condition c : view.conditions()) {
      conditions.set(c.getType(), c.getStatus(), c.getReason(), c.getMessage());
    }
    status.setConditions(conditions.build());
    return status;
  }

  /**
   * The status while the store has not answered yet: unchanged when the Replay already has a phase (a new
   * leader resuming a Running replay keeps showing its last counts), else Pending with conditions that say so.
   */
  public static ReplayStatus starting(Replay replay, Instant now) {
    ReplayStatus current = replay.getStatus();
    if (current != null && current.getPhase() != null) {
      return current;
    }
    Long generation = replay.getMetadata().getGeneration();
    String phase = ReplayPhase.Pending.name();
    ReplayStatus status = new ReplayStatus();
    status.setPhase(ReplayPhase.Pending);
    status.setMessage(FIXING);
    status.setObservedGeneration(generation);
    // Same types, reasons and messages as the store's view of a Pending replay, so the switch to it is no
    // transition of either condition.
    status.setConditions(StatusConditions.after(current == null ? null : current.getConditions(), generation, now)
        .set(ReplayStatus.COMPLETE, false, phase, "the replay is " + phase.toLowerCase(Locale.ROOT))
        .set(ReplayStatus.FAILED, false, phase, "no failure")
        .build());
    return status;
  }

  /**
   * The status when a pass failed, e.g. the journal store did not answer: phase, counts and conditions as the
   * Replay carries them (nothing is known to have changed), the message saying what failed. The pass is retried.
   */
  public static ReplayStatus retrying(Replay replay, String problem, Instant now) {
    ReplayStatus status = copy(starting(replay, now));
    status.setMessage(problem + "; retrying");
    return status;
  }

  /** {@link #retrying}, saying when: the reconciler backs off exponentially while the failure lasts. */
  public static ReplayStatus retrying(Replay replay, String problem, Duration in, Instant now) {
    ReplayStatus status = retrying(replay, problem, now);
    status.setMessage(problem + "; retrying in " + Durations.format(in));
    return status;
  }

  /** Pending, not started yet, the message saying what it waits for (see {@link ReplayRoutes}). */
  public static ReplayStatus waiting(Replay replay, String why, Instant now) {
    ReplayStatus status = copy(starting(replay, now));
    status.setMessage(why);
    return status;
  }

  /** Whether the Replay's status says it ended: a terminal Replay is never run again. */
  public static boolean isTerminal(Replay replay) {
    ReplayPhase phase = phase(replay);
    return phase != null && phase.isTerminal();
  }

  /** The phase the Replay's status carries, or null before the operator wrote one. */
  public static ReplayPhase phase(Replay replay) {
    return replay.getStatus() == null ? null : replay.getStatus().getPhase();
  }

  private static ReplayStatus copy(ReplayStatus s) {
    ReplayStatus c = new ReplayStatus();
    c.setPhase(s.getPhase());
    c.setMatched(s.getMatched());
    c.setDelivered(s.getDelivered());
    c.setFailed(s.getFailed());
    c.setRemaining(s.getRemaining());
    c.setStartedAt(s.getStartedAt());
    c.setCompletedAt(s.getCompletedAt());
    c.setMessage(s.getMessage());
    c.setSample(s.getSample() == null ? null : List.copyOf(s.getSample()));
    c.setObservedGeneration(s.getObservedGeneration());
    List<Condition> conditions = new ArrayList<>();
    if (s.getConditions() != null) {
      for (Condition condition : s.getConditions()) {
        Condition copy = new Condition(condition.getType(), condition.getStatus(), condition.getReason(),
            condition.getMessage());
        copy.setLastTransitionTime(condition.getLastTransitionTime());
        copy.setObservedGeneration(condition.getObservedGeneration());
        conditions.add(copy);
      }
    }
    c.setConditions(conditions);
    return c;
  }
}
