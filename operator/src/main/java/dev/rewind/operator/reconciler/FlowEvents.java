package dev.rewind.operator.reconciler;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowStatus;
import dev.rewind.operator.events.EventRecorder;
import dev.rewind.operator.model.FlowStatuses;
import dev.rewind.operator.model.StatusConditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/**
 * Kubernetes Events on a Flow when its orders stop arriving and when they flow again, so {@code kubectl describe
 * flow} and event-based alerting see it: Warning {@code OrdersBroken} / {@code OrdersFailed} when the Flow becomes
 * Healthy=False for that reason, Normal {@code Flowing} when it returns to Healthy=True. One Event per reason and
 * Flow whose count grows ({@link EventRecorder#repeated}); a pass that changes nothing records nothing, since only a
 * transition of the condition is news.
 */
final class FlowEvents {

  private final Clock clock;
  private final String instance;

  FlowEvents(Clock clock, String instance) {
    this.clock = clock;
    this.instance = instance;
  }

  void record(KubernetesClient client, Flow flow, FlowStatus desired) {
    FlowStatus before = flow.getStatus();
    Condition now = StatusConditions.find(desired.getConditions(), FlowStatus.HEALTHY).orElse(null);
    if (now == null || !StatusConditions.isTransition(before == null ? null : before.getConditions(), now)) {
      return;
    }
    Condition was = StatusConditions.find(before == null ? null : before.getConditions(), FlowStatus.HEALTHY)
        .orElse(null);
    EventRecorder events = new EventRecorder(client, clock, RouteHealthEvents.COMPONENT, instance);
    if (Condition.FALSE.equals(now.getStatus())) {
      events.repeated(flow, EventRecorder.WARNING, now.getReason(), now.getMessage());
    } else if (was != null && Condition.FALSE.equals(was.getStatus())) {
      events.repeated(flow, EventRecorder.NORMAL, FlowStatuses.FLOWING, now.getMessage());
    }
  }
}
