package dev.rewind.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.flow.FlowStatus;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.flow.FlowTally;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Flow's status: its counts from the tally, and what is kept when the store cannot be read. */
class FlowStatusesTest {

  private static final Instant T1 = Instant.parse("2026-12-06T10:00:00Z");
  private static final Instant T2 = Instant.parse("2026-12-06T10:00:30Z");
  private static final Instant T3 = Instant.parse("2026-12-06T10:01:00Z");

  private static final FlowRoutes RESOLVED = new FlowRoutes(new FlowHops(List.of(new FlowHops.Hop("shop", "a-to-b"),
      new FlowHops.Hop("fulfilment", "b-to-partner")), Duration.ofMinutes(2), Duration.ofHours(6)), List.of());

  // 10 orders entered; 6 complete, 2 in flight, 2 broken after hop 0 (ORD-7 the older break).
  private static final FlowTally TALLY = new FlowTally(10, 6, 2, 0, List.of(10L, 6L), List.of(2L, 0L),
      List.of(0L, 0L), List.of(new FlowTally.Stopped("ORD-7", 0, T1.minusSeconds(300)),
          new FlowTally.Stopped("ORD-9", 0, T1.minusSeconds(200))), List.of());

  private static Flow flow() {
    return Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Flow
        metadata: {name: orders, namespace: shop, generation: 3}
        spec:
          hops:
            - routeRef: {name: a-to-b}
            - routeRef: {name: b-to-partner, namespace: fulfilment}
          within: 2m
        """, Flow.class);
  }

  @Test
  void aTallyGivesTheCountsPerHopTheSampleAndAnUnhealthyConditionNamingTheOldestBreak() {
    FlowStatus status = FlowStatuses.desired(flow(), RESOLVED, TALLY, null, T1);

    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(List.of(status.getEntered(), status.getComplete(), status.getInFlight(), status.getFailed(),
        status.getBroken())).containsExactly(10L, 6L, 2L, 0L, 2L);
    assertThat(status.getHops()).extracting(FlowStatus.FlowHopStatus::getRoute, FlowStatus.FlowHopStatus::getReached,
            FlowStatus.FlowHopStatus::getBrokenAfter)
        .containsExactly(tuple("shop/a-to-b", 10L, 2L),
            tuple("fulfilment/b-to-partner", 6L, 0L));
    assertThat(status.getBrokenSample()).containsExactly("ORD-7", "ORD-9");
    assertThat(condition(status, FlowStatus.READY).getReason()).isEqualTo(FlowStatuses.RESOLVED);
    Condition healthy = condition(status, FlowStatus.HEALTHY);
    assertThat(healthy.getStatus()).isEqualTo(Condition.FALSE);
    assertThat(healthy.getReason()).isEqualTo(FlowStatuses.ORDERS_BROKEN);
    assertThat(healthy.getMessage()).contains("2 orders broken", "ORD-7", "after hop 0");
  }

  @Test
  void whileTheStoreCannotBeReadTheLastCountsAndHealthAreKeptAndReadySaysWhy() {
    Flow flow = flow();
    FlowStatus evaluated = FlowStatuses.desired(flow, RESOLVED, TALLY, null, T1);
    evaluated.setEvaluatedAt(T1.toString());
    flow.setStatus(evaluated);

    FlowStatus status = FlowStatuses.desired(flow, RESOLVED, null, "connection refused", T2);

    assertThat(List.of(status.getEntered(), status.getComplete(), status.getInFlight(), status.getFailed(),
        status.getBroken())).containsExactly(10L, 6L, 2L, 0L, 2L);
    assertThat(status.getHops()).isEqualTo(evaluated.getHops());
    assertThat(status.getBrokenSample()).containsExactly("ORD-7", "ORD-9");
    assertThat(status.getEvaluatedAt()).as("when the counts were read, not now").isEqualTo(T1.toString());
    Condition ready = condition(status, FlowStatus.READY);
    assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
    assertThat(ready.getReason()).isEqualTo(FlowStatuses.STORE_UNAVAILABLE);
    assertThat(ready.getMessage()).contains("connection refused");
    Condition healthy = condition(status, FlowStatus.HEALTHY);
    assertThat(healthy.getReason()).isEqualTo(FlowStatuses.ORDERS_BROKEN);
    assertThat(healthy.getLastTransitionTime()).as("kept, not moved by the outage")
        .isEqualTo(condition(evaluated, FlowStatus.HEALTHY).getLastTransitionTime());

    // The store answers again: counts from the new tally, Ready again.
    flow.setStatus(status);
    FlowTally healed = new FlowTally(10, 10, 0, 0, List.of(10L, 10L), List.of(0L, 0L), List.of(0L, 0L), List.of(),
        List.of());
    FlowStatus after = FlowStatuses.desired(flow, RESOLVED, healed, null, T3);
    assertThat(after.getComplete()).isEqualTo(10L);
    assertThat(after.getBrokenSample()).isEmpty();
    assertThat(condition(after, FlowStatus.READY).getReason()).isEqualTo(FlowStatuses.RESOLVED);
    assertThat(condition(after, FlowStatus.HEALTHY).getReason()).isEqualTo(FlowStatuses.FLOWING);
  }

  @Test
  void hopsThatDoNotResolveSayWhyAndReadNoCounts() {
    FlowRoutes unresolved = new FlowRoutes(null, List.of("spec.hops[1].routeRef: Route fulfilment/b-to-partner"
        + " not found"));

    FlowStatus status = FlowStatuses.desired(flow(), unresolved, null, null, T1);

    Condition ready = condition(status, FlowStatus.READY);
    assertThat(ready.getStatus()).isEqualTo(Condition.FALSE);
    assertThat(ready.getReason()).isEqualTo(FlowStatuses.INVALID_HOPS);
    assertThat(ready.getMessage()).contains("spec.hops[1].routeRef");
    assertThat(status.getEntered()).isNull();
    assertThat(status.getHopCount()).isEqualTo(2);
  }

  private static Condition condition(FlowStatus status, String type) {
    return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }
}
