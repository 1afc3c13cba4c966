package dev.rewind.operator.model;

/**
 * What one cleanup pass of a deleted Replay does. The Replay's finalizer stays until the journal store no longer
 * holds it: the engine cancels it (no event is claimed any more; attempts under way finish and are recorded) and
 * removes its rows — its attempts stay in the events' logs. Nothing here waits: each pass looks, acts, and comes
 * back.
 */
public enum ReplayDeletionStep {

  /**
   * Its start is under way: wait. Cancelling now would race the statement fixing its matched set, which ends in
   * seconds; the start would then resume delivery of a replay already being deleted.
   */
  WAIT_FOR_START,
  /** Ask the engine to cancel and remove it; the finalizer stays. */
  DELETE,
  /** The engine is cancelling it (attempts under way get up to 10 s to finish): wait. */
  WAIT_FOR_DELETE,
  /** The store no longer holds it: the finalizer goes, and the Replay with it. */
  DONE;

  /**
   * @param start this process' start call for the Replay
   * @param delete this process' delete call for it
   */
  public static ReplayDeletionStep next(ReplayStep.Call start, ReplayStep.Call delete) {
    if (start == ReplayStep.Call.UNDER_WAY) {
      return WAIT_FOR_START;
    }
    return switch (delete) {
      case NONE -> DELETE;
      case UNDER_WAY -> WAIT_FOR_DELETE;
      case ANSWERED -> DONE;
    };
  }
}
