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
 * <p>Conditions: {@code Complete} is True once the phase is terminal, with the phase as reason ({@code kubectl
 * wait --for=condition=Complete}); {@code Failed} is True when the replay ended Failed or PartiallyFailed.
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

  public static ReplayStatusView of(ReplayRecord r) {
    ReplayPhase phase = r.phase();
    boolean ended = phase.isTerminal();
    long remaining = !ended || phase == ReplayPhase.Cancelled ? r.unfinished() : 0;
    String message = message(r);
    Instant since = r.createdAt();
    List<Condition> conditions = new ArrayList<>(2);
    // While running, the condition's message stays put (the counts live in status.message), so conditions do
    // not change on every progress update.
    conditions.add(condition(ReplayStatus.COMPLETE, ended, phase.name(),
        ended ? message : "the replay is " + phase.name().toLowerCase(Locale.ROOT),
        ended ? r.completedAt() : since));
    boolean failed = phase == ReplayPhase.Failed || phase == ReplayPhase.PartiallyFailed;
    conditions.add(condition(ReplayStatus.FAILED, failed, phase.name(), failed ? message : "no failure",
        failed ? r.completedAt() : since));
    return new ReplayStatusView(phase, r.matched(), r.delivered(), r.failed(), remaining, r.startedAt(),
        r.completedAt(), message, r.sample(), List.copyOf(conditions));
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

  static String message(ReplayRecord r) {
    long m = r.matched();
    long d = r.delivered();
    long f = r.failed();
    return switch (r.phase()) {
      case Pending -> "waiting for its matched set to be fixed";
      case Running -> "delivered " + d + " of " + events(m) + "; " + f + " given up on, " + r.unfinished()
          + " remaining";
      case Succeeded -> m == 0 ? "no events matched; nothing to replay" : "delivered all " + events(m);
      case PartiallyFailed -> "delivered " + d + " of " + events(m) + "; the replay's policy gave up on " + f;
      case Failed -> r.message() != null ? r.message()
          : "the replay's policy gave up on all " + events(m) + "; none was delivered";
      case Cancelled -> r.message() != null && r.startedAt() == null ? r.message()
          : "cancelled after delivering " + d + " of " + events(m);
      case Previewed -> "dry run: " + events(m) + " match; nothing was delivered"
          + (r.message() == null ? "" : "; as it is, the replay would fail: " + r.message());
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
