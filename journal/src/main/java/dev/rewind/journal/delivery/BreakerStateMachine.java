package dev.rewind.journal.delivery;

import dev.rewind.journal.retry.Outcome;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.store.BreakerRow;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The circuit breaker of one destination, shared by every worker through its store row ({@link BreakerRow};
 * transitions are compare-and-set statements of {@code BreakerStore}). Pure: it says, for a row as last read, what
 * this worker may do; the engine carries that out.
 *
 * <pre>
 *                    counted failures trip (FailureCounter)
 *        ┌──────────┐ ───────────────────────────────────────► ┌──────┐
 *        │ CLOSED   │                                          │ OPEN │ ◄──────────────────┐
 *        └──────────┘ ◄──┐                                     └──────┘                    │ probe failed
 *             ▲          │ nothing held is left                   │ openFor elapsed:       │ (retryable outcome)
 *             │     ┌──────────┐                                  │ one worker takes the   │
 *             │     │ DRAINING │ ◄──── probe answered ──── ┌───────────┐ probe lease         │
 *             │     └──────────┘                           │ HALF_OPEN │ ────────────────────┘
 *             │   held events go oldest first,             └───────────┘
 *             │   drainRate per second in all              probe lease expired (its worker died):
 *             │   (failures trip it OPEN again)            another worker takes the probe
 * </pre>
 *
 * While OPEN or HALF_OPEN (and whenever the row carries a hold reason) events of the destination are held: not
 * claimed, their retry budget untouched. A probe, and any attempt that ends while the breaker is not closed, does
 * not count against maxAttempts.
 */
public final class BreakerStateMachine {

  public enum State {
    CLOSED, OPEN, HALF_OPEN, DRAINING;

    public static State of(String wire) {
      return wire == null ? CLOSED : valueOf(wire.toUpperCase(Locale.ROOT));
    }
  }

  /** What a worker may do with a destination's events now. */
  public enum Gate {
    /** Closed: claim and attempt as usual. */
    DELIVER,
    /** Open and not due for a probe, being probed by another worker, or held by another writer. */
    HOLD,
    /** Open long enough, or its prober's lease ran out: try to take the probe lease. */
    TRY_PROBE,
    /** This worker holds the probe lease: attempt one held event, the oldest. */
    PROBING,
    /** Draining: claim the oldest held events as shared drain tokens allow. */
    DRAIN
  }

  private BreakerStateMachine() {}

  /**
   * What this worker may do, given the row as read {@code sinceRead} ago (null row: no breaker stored, closed).
   */
  public static Gate gate(BreakerRow row, String worker, Duration sinceRead) {
    if (row == null) {
      return Gate.DELIVER;
    }
    if (row.holdReason() != null) {
      return Gate.HOLD;
    }
    Instant now = row.storeNow() == null ? null : row.storeNow().plus(sinceRead);
    return switch (State.of(row.state())) {
      case CLOSED -> Gate.DELIVER;
      case DRAINING -> Gate.DRAIN;
      case OPEN -> now != null && row.openedAt() != null
          && !now.isBefore(row.openedAt().plusMillis(row.openForMs())) ? Gate.TRY_PROBE : Gate.HOLD;
      case HALF_OPEN -> {
        if (worker.equals(row.probeOwner()) && now != null && row.probeUntil() != null
            && now.isBefore(row.probeUntil())) {
          yield Gate.PROBING;
        }
        yield now != null && row.probeUntil() != null && !now.isBefore(row.probeUntil()) ? Gate.TRY_PROBE
            : Gate.HOLD;
      }
    };
  }

  /** Whether an outcome is a failure the breaker counts: one the policy retries. */
  public static boolean countedFailure(ResolvedPolicy policy, Outcome outcome) {
    return !outcome.delivered() && policy.retryOn().matches(outcome);
  }

  /**
   * Whether an outcome tells anything about the destination's health: a success, or a failure the policy
   * retries. A 400 or a configuration error says nothing about an outage and is not counted either way.
   */
  public static boolean counted(ResolvedPolicy policy, Outcome outcome) {
    return outcome.delivered() || countedFailure(policy, outcome);
  }

  /** A probe's outcome: any answer but a retryable failure means the destination is back. */
  public static State afterProbe(ResolvedPolicy policy, Outcome outcome) {
    return countedFailure(policy, outcome) ? State.OPEN : State.DRAINING;
  }

  /**
   * The key of a destination: scheme, host and port of the URL (lower case, default port filled in), so every
   * route and path on one service shares its breaker.
   */
  public static String key(String url) {
    return BreakerRow.destinationOf(url);
  }

}
