package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a replay's status says, computed from its store record alone. Pure and deterministic: the same record gives
 * an equal view (condition transition times come from the record's own timestamps, not the clock), so a
 * reconciler that writes status only when it changed does not write on every pass.
 *
 * <p>Conditions behave like a Kubernetes Job's, so {@code kubectl wait} means what a script expects:
 *
 * <ul>
 *   <li>{@code Complete} is True only when the replay did what it was asked: Succeeded (reason Succeeded), or a
 *       dry run Previewed (reason Previewed — also when the preview warns that the real replay would be refused).
 *   <li>{@code Failed} is True when it ended any other way: Failed (reason AllEventsFailed when it ran and the
 *       policy gave up on every event, else why it was refused: RouteNotFound, RetryPolicyNotFound, InvalidSpec,
 *       TooManyEvents), PartiallyFailed (SomeEventsFailed) or Cancelled (Cancelled).
 *   <li>Never both: while one is True the other is False with the same reason; while the replay is Pending or
 *       Running both are False with the phase as reason.
 * </ul>
 *
 * @param remaining items still to be delivered or retried; 0 once the replay ended, except when cancelled
 */
public record ReplayStatusView(
    ReplayPhase phase,
    long matched,
    long delivered,
    long failed,
    long remaining,
    Instant startedAt,
    Instant completedAt,
    String message,
    List<String> sample,
    List<Condition> conditions) {

  /** Failed's reason for a replay that ran and whose policy gave up on every matched event. */
  public static final String ALL_EVENTS_FAILED = "AllEventsFailed";
  /** Failed's reason for a PartiallyFailed replay. */
  public static final String SOME_EVENTS_FAILED = "SomeEventsFailed";

  public static ReplayStatusView of(ReplayRecord r) {
    return of(r, null);
  }

  /**
   * @param failures how the most given-up events failed, for a Failed or PartiallyFailed replay that ran; null
   *     when unknown
   */
  public static ReplayStatusView of(ReplayRecord r, ReplayFailureSummary failures) {
    ReplayPhase phase = r.phase();
    boolean ended = phase.isTerminal();
    long remaining = !ended || phase == ReplayPhase.Cancelled ? r.unfinished() : 0;
    String message = message(r, failures);
    Instant since = r.createdAt();
    String reason = reason(r);
    boolean complete = phase == ReplayPhase.Succeeded || phase == ReplayPhase.Previewed;
    boolean failed = ended && !complete;
    List<Condition> conditions = new ArrayList<>(2);
    // While running, the condition's message stays put (the counts live in status.message), so conditions do
    // not change on every progress update.
    String pending = "the replay is " + phase.name().toLowerCase(Locale.ROOT);
    conditions.add(condition(ReplayStatus.COMPLETE, complete, reason, ended ? message : pending,
        complete ? r.completedAt() : since));
    conditions.add(condition(ReplayStatus.FAILED, failed, reason, failed ? message : ended ? "no failure" : pending,
        failed ? r.completedAt() : since));
    return new ReplayStatusView(phase, r.matched(), r.delivered(), r.failed(), remaining, r.startedAt(),
        r.completedAt(), message, r.sample(), List.copyOf(conditions));
  }

  /** The reason both conditions carry (see the class comment). */
  static String reason(ReplayRecord r) {
    return switch (r.phase()) {
      case PartiallyFailed -> SOME_EVENTS_FAILED;
      case Failed -> failedReason(r);
      default -> r.phase().name();
    };
  }

  private static String failedReason(ReplayRecord r) {
    if (r.startedAt() != null) {
      return ALL_EVENTS_FAILED;
    }
    // Refused before it started. The store records a too-large selection with its count and its own message.
    if (r.matched() > 0) {
      return ReplayRefusal.TOO_MANY_EVENTS;
    }
    return r.message() == null ? ReplayRefusal.REFUSED : ReplayRefusal.parse(r.message()).reason();
  }

  public boolean terminal() {
    return phase.isTerminal();
  }

  /** Whether the replay ended in a phase that should page someone: Failed or PartiallyFailed. */
  public boolean failedOutcome() {
    return phase == ReplayPhase.Failed || phase == ReplayPhase.PartiallyFailed;
  }

  /** The view as a Replay's status, for the operator to patch. */
  public ReplayStatus toStatus(Long observedGeneration) {
    ReplayStatus status = new ReplayStatus();
    status.setPhase(phase);
    status.setMatched(matched);
    status.setDelivered(delivered);
    status.setFailed(failed);
    status.setRemaining(remaining);
    status.setStartedAt(format(startedAt));
    status.setCompletedAt(format(completedAt));
    status.setMessage(message);
    status.setSample(sample.isEmpty() ? null : sample);
    status.setObservedGeneration(observedGeneration);
    List<Condition> copies = new ArrayList<>(conditions.size());
    for (Condition c : conditions) {
      Condition copy = new Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage());
      copy.setLastTransitionTime(c.getLastTransitionTime());
      copy.setObservedGeneration(observedGeneration);
      copies.add(copy);
    }
    status.setConditions(copies);
    return status;
  }

  static String message(ReplayRecord r, ReplayFailureSummary failures) {
    String because = failures == null ? "" : "; " + failures.describe(r.failed());
    long m = r.matched();
    long d = r.delivered();
    long f = r.failed();
    return switch (r.phase()) {
      case Pending -> "waiting for its matched set to be fixed";
      case Running -> "delivered " + d + " of " + events(m) + "; " + f + " given up on, " + r.unfinished()
          + " remaining";
      case Succeeded -> m == 0 ? "no events matched; nothing to replay" : "delivered all " + events(m);
      case PartiallyFailed -> "delivered " + d + " of " + events(m) + "; the replay's policy gave up on " + f
          + because;
      case Failed -> r.message() != null ? ReplayRefusal.parse(r.message()).message()
          : "the replay's policy gave up on all " + events(m) + "; none was delivered" + because;
      case Cancelled -> r.message() != null && r.startedAt() == null ? r.message()
          : "cancelled after delivering " + d + " of " + events(m);
      case Previewed -> "dry run: " + events(m) + " match; nothing was delivered"
          + (r.message() == null ? "" : "; as it is, the replay would fail: "
          + ReplayRefusal.parse(r.message()).message());
    };
  }

  private static String events(long n) {
    return n + (n == 1 ? " event" : " events");
  }

  private static Condition condition(String type, boolean value, String reason, String message, Instant at) {
    Condition c = new Condition(type, value ? Condition.TRUE : Condition.FALSE, reason, message);
    c.setLastTransitionTime(format(at));
    return c;
  }

  static String format(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
