package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.Rewind;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.operator.model.StatusConditions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * A Kubernetes Event on a Replay each time its phase changes, so {@code kubectl describe replay} tells its story
 * (Running with the matched count, then how it ended). The status is the record; an Event is a courtesy, so one
 * that cannot be written is logged and the reconciliation goes on. Each phase's Event has a name derived from the
 * Replay's uid and the phase: a reconciliation repeated after a failed status write does not record it twice.
 */
final class ReplayEvents {

  static final String COMPONENT = "rewind-operator";

  private static final Logger LOG = Logger.getLogger(ReplayEvents.class);

  private final Clock clock;
  private final String instance;

  /** @param instance this replica's name, as reporting instance */
  ReplayEvents(Clock clock, String instance) {
    this.clock = clock;
    this.instance = instance;
  }

  /** Records the move to {@code next}'s phase, if the phase changed. */
  void phaseChanged(KubernetesClient client, Replay replay, ReplayStatus next) {
    ReplayPhase before = replay.getStatus() == null ? null : replay.getStatus().getPhase();
    ReplayPhase after = next.getPhase();
    if (after == null || after == before) {
      return;
    }
    String namespace = replay.getMetadata().getNamespace();
    String now = StatusConditions.timestamp(clock.instant());
    boolean bad = after == ReplayPhase.Failed || after == ReplayPhase.PartiallyFailed;
    Event event = new EventBuilder()
        .withNewMetadata().withNamespace(namespace).withName(eventName(replay, after)).endMetadata()
        .withNewInvolvedObject().withApiVersion(Rewind.API_VERSION).withKind(Replay.KIND).withNamespace(namespace)
        .withName(replay.getMetadata().getName()).withUid(replay.getMetadata().getUid()).endInvolvedObject()
        .withType(bad ? "Warning" : "Normal").withReason(after.name()).withMessage(next.getMessage())
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT).withReportingInstance(instance)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        LOG.warnf(e, "%s: could not record the %s Event (the status says the same)", StatusPatches.id(replay),
            after);
      }
    }
  }

  /** {@code <replay>.<phase>.<uid prefix>}: one Event per phase of one Replay incarnation. */
  static String eventName(Replay replay, ReplayPhase phase) {
    String name = replay.getMetadata().getName();
    String uid = replay.getMetadata().getUid() == null ? "" : replay.getMetadata().getUid();
    return (name.length() > 200 ? name.substring(0, 200) : name) + "." + phase.name().toLowerCase(Locale.ROOT)
        + "." + (uid.length() > 8 ? uid.substring(0, 8) : uid);
  }
}
