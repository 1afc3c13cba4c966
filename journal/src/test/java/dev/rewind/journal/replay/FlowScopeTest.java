package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference;
import dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference.FlowState;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.FlowHops.Hop;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.flow.FlowTally;
import dev.rewind.journal.flow.FlowTally.Stopped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which hops, states and orders a Replay's flowRef covers, and what it is refused for. */
class FlowScopeTest {

  private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

  /** shop/erp-to-a → shop/a-to-b → fulfilment/b-to-partner → shop/partner-ack. */
  private static final FlowHops FLOW = new FlowHops(List.of(new Hop("shop", "erp-to-a"), new Hop("shop", "a-to-b"),
      new Hop("fulfilment", "b-to-partner"), new Hop("shop", "partner-ack")), Duration.ofMinutes(5),
      Duration.ofHours(24));

  /** Broken after each hop but the last, and failed at each hop, one order each, named for it. */
  private static final FlowTally TALLY = new FlowTally(7, 0, 0, 4, List.of(7L, 6L, 4L, 1L), List.of(1L, 1L, 1L, 0L),
      List.of(1L, 1L, 1L, 1L),
      List.of(new Stopped("broken-0", 0, T), new Stopped("broken-1", 1, T), new Stopped("broken-2", 2, T)),
      List.of(new Stopped("failed-0", 0, T), new Stopped("failed-1", 1, T), new Stopped("failed-2", 2, T),
          new Stopped("failed-3", 3, T)));

  private static FlowScope scope(String namespace, FlowState state, Integer hop) {
    return FlowScope.of(namespace, new ReplayFlowReference("orders", state, hop), new FlowRoutes(FLOW, List.of()));
  }

  private static List<FlowScope.RouteOrder> orders(String... routeAndOrder) {
    List<FlowScope.RouteOrder> orders = new ArrayList<>();
    for (int i = 0; i < routeAndOrder.length; i += 2) {
      orders.add(new FlowScope.RouteOrder(routeAndOrder[i], routeAndOrder[i + 1]));
    }
    return orders;
  }

  @Test
  void brokenOrdersAreSentAgainFromTheHopThatLastDeliveredThemOnlyForThisNamespacesHops() {
    FlowScope shop = scope("shop", FlowState.BROKEN, null);

    // The last hop cannot be broken after: an order it delivered is complete.
    assertThat(shop.hops()).containsExactly(0, 1);
    assertThat(shop.routes()).containsExactly("erp-to-a", "a-to-b");
    assertThat(shop.states()).containsExactly(EventState.DELIVERED);
    // broken-2 stopped after fulfilment's hop: mended by a Replay in fulfilment, not here.
    assertThat(shop.orders(TALLY)).isEqualTo(orders("erp-to-a", "broken-0", "a-to-b", "broken-1"));

    FlowScope fulfilment = scope("fulfilment", FlowState.BROKEN, null);
    assertThat(fulfilment.orders(TALLY)).isEqualTo(orders("b-to-partner", "broken-2"));
  }

  @Test
  void failedOrdersAreSentAgainFromTheHopThatGaveUpIncludingTheLast() {
    FlowScope shop = scope("shop", FlowState.FAILED, null);

    assertThat(shop.hops()).containsExactly(0, 1, 3);
    assertThat(shop.states()).containsExactly(EventState.DEAD);
    assertThat(shop.orders(TALLY))
        .isEqualTo(orders("erp-to-a", "failed-0", "a-to-b", "failed-1", "partner-ack", "failed-3"));
  }

  @Test
  void aHopNarrowsToTheOrdersStoppedThere() {
    assertThat(scope("shop", FlowState.BROKEN, 1).orders(TALLY)).isEqualTo(orders("a-to-b", "broken-1"));
    assertThat(scope("shop", FlowState.FAILED, 3).orders(TALLY)).isEqualTo(orders("partner-ack", "failed-3"));
    assertThat(scope("shop", FlowState.BROKEN, 0).routes()).containsExactly("erp-to-a");
  }

  @Test
  void noStoppedOrdersSelectNothingRatherThanEverything() {
    FlowTally clean = new FlowTally(3, 3, 0, 0, List.of(3L, 3L, 3L, 3L), List.of(0L, 0L, 0L, 0L),
        List.of(0L, 0L, 0L, 0L), List.of(), List.of());

    assertThat(scope("shop", FlowState.BROKEN, null).orders(clean)).isEmpty();
  }

  @Test
  void anUnusableHopIsRefusedNamingTheFieldAndWhy() {
    assertThatThrownBy(() -> scope("shop", FlowState.FAILED, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spec.flowRef.hop: 4 is past the last hop of Flow \"orders\" (hops 0 to 3)");
    assertThatThrownBy(() -> scope("shop", FlowState.BROKEN, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.flowRef.hop: 3 is the last hop of Flow \"orders\"");
    assertThatThrownBy(() -> scope("shop", FlowState.BROKEN, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.flowRef.hop: hop 2 (fulfilment/b-to-partner) is in namespace fulfilment");
    assertThatThrownBy(() -> scope("billing", FlowState.BROKEN, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.flowRef.name: no hop of Flow \"orders\" that can stop a broken order is in"
            + " namespace billing");
    // fulfilment's only hop is not the last, so it can break an order, but the last hop is shop's.
    assertThatThrownBy(() -> FlowScope.of("fulfilment", new ReplayFlowReference("orders", FlowState.FAILED, 3),
        new FlowRoutes(FLOW, List.of()))).hasMessageContaining("is in namespace shop");
  }

  @Test
  void routesHereAreWhatAReplayAdmittedEarlierDeliversTo() {
    ReplayFlowReference broken = new ReplayFlowReference("orders", null, null);
    // The last hop completes an order, so it breaks none, but it can fail one.
    assertThat(FlowScope.routesHere("shop", broken, FLOW)).containsExactly("erp-to-a", "a-to-b");
    assertThat(FlowScope.routesHere("shop", new ReplayFlowReference("orders", FlowState.FAILED, null), FLOW))
        .containsExactly("erp-to-a", "a-to-b", "partner-ack");
    assertThat(FlowScope.routesHere("fulfilment", broken, FLOW)).containsExactly("b-to-partner");
    // As admitted: the scope's own routes.
    assertThat(FlowScope.routesHere("shop", broken, FLOW)).isEqualTo(scope("shop", FlowState.BROKEN, null).routes());
    assertThat(FlowScope.routesHere("shop", new ReplayFlowReference("orders", null, 1), FLOW))
        .containsExactly("a-to-b");
    assertThat(FlowScope.routesHere("shop", new ReplayFlowReference("orders", null, 2), FLOW)).isEmpty();
  }
}
