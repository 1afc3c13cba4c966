package dev.rewind.journal.flow;

import dev.rewind.api.v1alpha1.common.EventState;
import java.time.Instant;
import java.util.Objects;

/**
 * One journaled event of a flow's hop, as far as a flow's progress needs it.
 *
 * @param hop the hop's index in the flow, from 0
 * @param completedAt when it was delivered or died; null while it is still being tried
 */
public record HopEvent(int hop, EventState state, Instant receivedAt, Instant completedAt) {

  public HopEvent {
    if (hop < 0) {
      throw new IllegalArgumentException("hop must be 0 or more, not " + hop);
    }
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(receivedAt, "receivedAt");
    if ((state == EventState.DELIVERED || state == EventState.DEAD) && completedAt == null) {
      throw new IllegalArgumentException(state.wireName() + " event without completedAt");
    }
  }
}
