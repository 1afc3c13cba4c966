package dev.rewind.api.v1alpha1.replay;

/**
 * The phase of a Replay. The allowed transitions are documented and enforced by the replay state machine in the
 * journal module ({@code dev.rewind.journal.replay.ReplayStateMachine}).
 */
public enum ReplayPhase {
  Pending,
  Running,
  Succeeded,
  PartiallyFailed,
  Failed,
  Cancelled,
  Previewed;

  public boolean isTerminal() {
    return this != Pending && this != Running;
  }
}
