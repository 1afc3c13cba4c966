package dev.rewind.journal.retry;

import dev.rewind.api.v1alpha1.common.EventState;
import java.time.Duration;

/**
 * What happens after an attempt: the event is delivered, retried after {@code delay}, or dead (with the reason,
 * for the trace).
 */
public record RetryDecision(Kind kind, Duration delay, String reason) {

  public enum Kind { DELIVERED, RETRY, DEAD }

  public static RetryDecision delivered() {
    return new RetryDecision(Kind.DELIVERED, null, null);
  }

  public static RetryDecision retry(Duration delay) {
    return new RetryDecision(Kind.RETRY, delay, null);
  }

  public static RetryDecision dead(String reason) {
    return new RetryDecision(Kind.DEAD, null, reason);
  }

  /** The state the event (or replay item) takes: delivered, failed (a retry is scheduled) or dead. */
  public EventState state() {
    return switch (kind) {
      case DELIVERED -> EventState.DELIVERED;
      case RETRY -> EventState.FAILED;
      case DEAD -> EventState.DEAD;
    };
  }
}
