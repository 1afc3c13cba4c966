package dev.rewind.journal.store;

import dev.rewind.api.v1alpha1.common.EventState;
import java.time.Duration;

/**
 * What one finished attempt changes: the attempt row, and the event's new state (delivered, failed with a delay
 * before the next attempt, or dead). Applied only if the worker still holds the lease ({@code leaseToken}).
 */
public record OutcomeWrite(AttemptRecord attempt, long leaseToken, EventState newState, Duration retryDelay) {

  public OutcomeWrite {
    if (newState == EventState.FAILED && retryDelay == null) {
      throw new IllegalArgumentException("a failed event needs a retry delay");
    }
  }
}
