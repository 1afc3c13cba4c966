package dev.rewind.operator.model;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;

/**
 * What one reconciliation of a Replay does, decided from the phase its status carries and what this process is
 * doing for it. The order of the checks is the point:
 *
 * <ol>
 *   <li>a terminal phase wins over everything: a Replay that ended is never run again, and its reconciliation
 *       reads and writes nothing ({@link #KEEP});
 *   <li>an engine call that finished is reported before anything else, so its answer is never lost nor
 *       overtaken by an older one ({@link #REPORT});
 *   <li>a call still under way is waited for, never started twice ({@link #WAIT});
 *   <li>after a failed start or status read, nothing is tried until the backoff ran out ({@link #BACK_OFF});
 *   <li>a replay this process delivers only has its counts read ({@link #REFRESH});
 *   <li>anything else is started, which the engine makes idempotent: it fixes the matched set of a new replay,
 *       resumes a Running one after a restart or a change of leader, and only reports one that ended meanwhile
 *       ({@link #START}).
 * </ol>
 */
public enum ReplayStep {

  /** The status is terminal: nothing is read or written, and no reconciliation is scheduled. */
  KEEP,
  /** A start finished: map its answer onto the status. */
  REPORT,
  /** A start is under way (fixing a large matched set takes seconds): keep the status and come back. */
  WAIT,
  /** The last start or status read failed and its backoff has not run out: keep the status, come back then. */
  BACK_OFF,
  /** The replay is being delivered by this process: read its counts from the store. */
  REFRESH,
  /** Start or resume it, without waiting for the answer. */
  START;

  /** Where this process' engine call for a Replay stands. */
  public enum Call {
    /** None was made, or its answer was already reported. */
    NONE,
    UNDER_WAY,
    /** It finished and its answer has not been reported yet. */
    ANSWERED
  }

  /**
   * @param phase the phase the Replay's status carries (null before the operator wrote one)
   * @param call this process' start call for it
   * @param runsHere whether this process is delivering it
   * @param backingOff whether a failed start or status read's backoff is still running
   */
  public static ReplayStep next(ReplayPhase phase, Call call, boolean runsHere, boolean backingOff) {
    if (phase != null && phase.isTerminal()) {
      return KEEP;
    }
    return switch (call) {
      case ANSWERED -> REPORT;
      case UNDER_WAY -> WAIT;
      case NONE -> backingOff ? BACK_OFF : runsHere ? REFRESH : START;
    };
  }

  /** Whether a Replay in {@code phase} is reconciled again after the status interval: until it ends. */
  public static boolean refreshes(ReplayPhase phase) {
    return phase == null || !phase.isTerminal();
  }
}
