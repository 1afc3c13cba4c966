package dev.rewind.journal.replay;

import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Cancelled;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Failed;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.PartiallyFailed;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Pending;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Previewed;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Running;
import static dev.rewind.api.v1alpha1.replay.ReplayPhase.Succeeded;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import java.util.Optional;

/**
 * The life of a Replay. A Replay is a one-shot request: it is created {@link ReplayPhase#Pending}, runs at most
 * once, and a terminal phase is final, so it is never re-run (create a new Replay to ask again).
 *
 * <pre>
 *                 ┌──────────► Previewed                      (dry run)
 *                 │
 *   Pending ──────┼──────────► Failed                        (refused before anything was delivered)
 *                 │
 *                 ├──────────► Cancelled
 *                 │
 *                 └─► Running ─┬─► Succeeded
 *                              ├─► PartiallyFailed
 *                              ├─► Failed
 *                              └─► Cancelled
 * </pre>
 *
 * <p>Every phase change in the store goes through {@link #check} and is written with the expected current phase
 * in its {@code WHERE} clause, so two processes acting on the same replay (an operator replica taking over, a
 * second CLI) cannot move it along two different edges. "Start an already-started replay" is not a transition:
 * the engine resumes a {@link ReplayPhase#Running} replay without changing its phase.
 */
public final class ReplayStateMachine {

  /** The phase of a replay that has just been created. */
  public static final ReplayPhase INITIAL = Pending;

  /** Every allowed edge, with why it exists. */
  public enum Transition {
    /**
     * Pending → Running: the matched set was fixed (one row per event in {@code replay_items}) and is within
     * maxEvents; delivery begins. From here on the set never changes, whatever restarts.
     */
    START(Pending, Running),
    /** Pending → Previewed: a dry run counted the selection and kept a sample of ids; nothing is delivered. */
    PREVIEW(Pending, Previewed),
    /**
     * Pending → Failed: the replay is refused before any delivery: {@link ReplayAdmission} refused it (a route
     * or override.retryPolicyRef that does not exist, a selector that cannot be resolved), or more events matched
     * than maxEvents (the message says how many).
     */
    REFUSE(Pending, Failed),
    /** Pending → Cancelled: cancelled before the matched set was fixed; nothing was delivered. */
    CANCEL_BEFORE_START(Pending, Cancelled),
    /** Running → Succeeded: every matched event was delivered (trivially so when nothing matched). */
    SUCCEED(Running, Succeeded),
    /** Running → PartiallyFailed: every matched event reached an end; some were delivered, some given up on. */
    PARTIALLY_FAIL(Running, PartiallyFailed),
    /** Running → Failed: the replay's policy gave up on every matched event; none was delivered. */
    FAIL(Running, Failed),
    /**
     * Running → Cancelled: no item is claimed any more; attempts already in flight finish and are recorded, so
     * the counts may still move a little after the phase changed.
     */
    CANCEL(Running, Cancelled);

    private final ReplayPhase from;
    private final ReplayPhase to;

    Transition(ReplayPhase from, ReplayPhase to) {
      this.from = from;
      this.to = to;
    }

    public ReplayPhase from() {
      return from;
    }

    public ReplayPhase to() {
      return to;
    }
  }

  private ReplayStateMachine() {}

  /** The edge from {@code from} to {@code to}, if the state machine has one. */
  public static Optional<Transition> transition(ReplayPhase from, ReplayPhase to) {
    for (Transition t : Transition.values()) {
      if (t.from == from && t.to == to) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  public static boolean allowed(ReplayPhase from, ReplayPhase to) {
    return transition(from, to).isPresent();
  }

  /**
   * @throws IllegalStateException naming both phases when there is no such edge (a terminal phase has none)
   */
  public static Transition check(ReplayPhase from, ReplayPhase to) {
    return transition(from, to).orElseThrow(() -> new IllegalStateException("a replay cannot go from " + from
        + " to " + to + (from != null && from.isTerminal() ? ": " + from + " is final" : "")));
  }

  /**
   * The phase a running replay ends in once none of its items can be attempted again.
   *
   * @param matched size of the matched set
   * @param delivered items delivered
   * @param failed items the policy gave up on (items whose event was deleted meanwhile count as neither)
   */
  public static ReplayPhase completion(long matched, long delivered, long failed) {
    if (delivered >= matched) {
      return Succeeded;
    }
    if (delivered == 0) {
      return Failed;
    }
    return PartiallyFailed;
  }
}
