package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.store.AttemptRecord;
import java.time.Duration;

/**
 * What one finished replay attempt changes: the attempt row, and the item's new state (delivered, failed with a
 * delay before the next attempt, or dead). Applied only while the item's lease token still matches.
 */
record ReplayOutcome(AttemptRecord attempt, long itemToken, EventState newState, Duration retryDelay) {

  ReplayOutcome {
    if (newState == EventState.FAILED && retryDelay == null) {
      throw new IllegalArgumentException("a failed item needs a retry delay");
    }
  }
}
