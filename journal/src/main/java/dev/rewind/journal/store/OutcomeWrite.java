package dev.rewind.journal.store;

import dev.rewind.api.v1alpha1.common.EventState;
import java.time.Duration;
import java.util.UUID;

/**
 * What one finished attempt changes: the attempt row, and the event's new state (delivered, failed with a delay
 * before the next attempt, or dead). Applied only if the worker still holds the lease ({@code leaseToken}).
 *
 * @param number the attempt number the claim gave this attempt
 * @param attempt the attempt row, or null when the event is finished without an attempt (its interrupted
 *     attempts already used up the policy)
 * @param uncounted the attempt does not count against the policy's maxAttempts (a circuit breaker's probe, or an
 *     attempt that ended after its destination's breaker opened)
 */
public record OutcomeWrite(UUID eventId, int number, AttemptRecord attempt, long leaseToken, EventState newState,
    Duration retryDelay, boolean uncounted) {

  public OutcomeWrite(UUID eventId, int number, AttemptRecord attempt, long leaseToken, EventState newState,
      Duration retryDelay) {
    this(eventId, number, attempt, leaseToken, newState, retryDelay, false);
  }

  public OutcomeWrite {
    if (newState == EventState.FAILED && retryDelay == null) {
      throw new IllegalArgumentException("a failed event needs a retry delay");
    }
    if (attempt != null && (!attempt.eventId().equals(eventId) || attempt.number() != number)) {
      throw new IllegalArgumentException("attempt " + attempt.number() + " of event " + attempt.eventId()
          + " is not attempt " + number + " of " + eventId);
    }
  }

  public OutcomeWrite(AttemptRecord attempt, long leaseToken, EventState newState, Duration retryDelay) {
    this(attempt.eventId(), attempt.number(), attempt, leaseToken, newState, retryDelay);
  }
}
