package dev.rewind.journal.replay;

import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A replay as the store holds it: its phase and counts. {@code delivered} and {@code failed} are kept by the
 * outcome writes, so reading a replay's progress costs one row whatever the size of its matched set.
 *
 * @param matched size of the matched set; for a replay refused as too large, how many events matched
 * @param failed items the replay's policy gave up on
 * @param sample for a dry run, up to 20 matched ids (oldest first); else empty
 * @param message why the replay was refused before it started (for a dry run: why it would be), or null
 * @param overridePolicy override.retryPolicyRef's spec as fixed when the replay started, or null
 */
public record ReplayRecord(
    UUID id,
    String namespace,
    String name,
    ReplayPhase phase,
    long matched,
    long delivered,
    long failed,
    List<String> sample,
    String message,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    RetryPolicySpec overridePolicy) {

  public ReplayRecord {
    sample = sample == null ? List.of() : List.copyOf(sample);
  }

  /** Items neither delivered nor given up on yet. */
  public long unfinished() {
    return Math.max(0, matched - delivered - failed);
  }
}
