package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.operator.events.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Set;

/**
 * A Kubernetes Event on a Replay each time its phase changes, so {@code kubectl describe replay} tells its story
 * (Running with the matched count, then how it ended). The status is the record; an Event is a courtesy, so one
 * that cannot be written is logged and the reconciliation goes on. Each phase's Event has a name derived from the
 * Replay's uid and the phase: a reconciliation repeated after a failed status write does not record it twice.
 *
 * <p>Each Replay that ends is also counted in {@code rewind_replays_finished_total{namespace, phase}}, once (with
 * its Event), for the alert on replays that end Failed or PartiallyFailed.
 */
final class ReplayEvents {

  static final String COMPONENT = "rewind-operator";

  private static final Set<ReplayPhase> FINISHED =
      Set.of(ReplayPhase.Succeeded, ReplayPhase.PartiallyFailed, ReplayPhase.Failed);

  private final Clock clock;
  private final String instance;
  private final MeterRegistry meters;

  /**
   * @param instance this replica's name, as reporting instance
   * @param meters where finished replays are counted
   */
  ReplayEvents(Clock clock, String instance, MeterRegistry meters) {
    this.clock = clock;
    this.instance = instance;
    this.meters = meters;
  }

  /** Records the move to {@code next}'s phase, if the phase changed. */
  void phaseChanged(KubernetesClient client, Replay replay, ReplayStatus next) {
    ReplayPhase before = replay.getStatus() == null ? null : replay.getStatus().getPhase();
    ReplayPhase after = next.getPhase();
    if (after == null || after == before) {
      return;
    }
    boolean bad = after == ReplayPhase.Failed || after == ReplayPhase.PartiallyFailed;
    boolean first = new EventRecorder(client, clock, COMPONENT, instance).once(replay, after.name(),
        bad ? EventRecorder.WARNING : EventRecorder.NORMAL, after.name(), next.getMessage());
    if (first && FINISHED.contains(after)) {
      Counter.builder("rewind.replays.finished").description("Replays that ended, by phase")
          .tag("namespace", replay.getMetadata().getNamespace()).tag("phase", after.name())
          .register(meters).increment();
    }
  }
}
