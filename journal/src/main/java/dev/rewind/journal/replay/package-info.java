/**
 * Replays: re-delivering a fixed, selected set of journaled events, shared by the operator (Replay resources) and
 * {@code rewind replay -f} (standalone). It needs no sidecar of the sending workload.
 *
 * <p>Entry point: {@link dev.rewind.journal.replay.ReplayEngine} — {@code start} (start or resume; idempotent,
 * call it on every reconciliation of a Replay that is not terminal), {@code status}, {@code cancel},
 * {@code delete}. None blocks; each returns a {@code Uni}. A reconciler maps the
 * {@link dev.rewind.journal.replay.ReplayStatusView} it gets onto the Replay's status with
 * {@code toStatus(observedGeneration)}, and patches only when that differs from what is there.
 *
 * <p>Pure parts, unit-tested without I/O: {@link dev.rewind.journal.replay.ReplayStateMachine} (phases and their
 * transitions), {@link dev.rewind.journal.replay.ReplayAdmission} (whether a new replay may start, or why it is
 * refused), {@link dev.rewind.journal.replay.ReplaySelection} (selectors to SQL),
 * {@link dev.rewind.journal.replay.ReplayPlan} (policy, destination and signing per event),
 * {@link dev.rewind.journal.replay.ReplayStatusView} (status fields and conditions) and
 * {@link dev.rewind.journal.replay.TokenBucket} (rateLimit). I/O: {@link dev.rewind.journal.replay.ReplayStore}
 * (the replays and replay_items tables), {@link dev.rewind.journal.replay.ReplayFailures} (how a replay's
 * given-up events failed) and {@code ReplayRun} (one replay executing in this process).
 */
package dev.rewind.journal.replay;
