package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.store.AttemptRecord;
import java.time.Duration;
import java.util.UUID;

/**
 * What one finished replay attempt changes: the attempt row, and the item's new state (delivered, failed with a
 * delay before the next attempt, or dead). Applied only while the item's lease token still matches.
 *
 * @param number the event's attempt number the claim gave this attempt
 * @param attempt the attempt row, or null when the item is finished without an attempt (its interrupted attempts
 *     already used up the replay's policy)
 */
record ReplayOutcome(UUID eventId, int number, AttemptRecord attempt, long itemToken, EventState newState,
    Duration retryDelay) {

  ReplayOutcome {
    if (newState == EventState.FAILED && retryDelay == null) {
      throw new IllegalArgumentException("a failed item needs a retry delay");
    }
  }

  ReplayOutcome(AttemptRecord attempt, long itemToken, EventState newState, Duration retryDelay) {
    this(attempt.eventId(), attempt.number(), attempt, itemToken, newState, retryDelay);
  }
}
