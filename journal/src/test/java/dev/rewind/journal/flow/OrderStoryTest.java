package dev.rewind.journal.flow;

import static dev.rewind.api.v1alpha1.common.EventState.DEAD;
import static dev.rewind.api.v1alpha1.common.EventState.DELIVERED;
import static dev.rewind.api.v1alpha1.common.EventState.PENDING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.flow.FlowProgress.State;
import dev.rewind.journal.store.AttemptRecord;
import dev.rewind.journal.store.StoredEvent;
import dev.rewind.journal.store.Uuids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One order's story: which hop each event is marked with, the time order, and where the order stands — also when
 * some of the flow's hops are in namespaces not read, as a sidecar reads only its own.
 */
class OrderStoryTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final Duration WITHIN = Duration.ofMinutes(5);
  /** ERP → A (shop) → B (shop) → partner (fulfilment). */
  private static final FlowHops SHOP = new FlowHops(List.of(new FlowHops.Hop("shop", "erp-to-a"),
      new FlowHops.Hop("shop", "a-to-b"), new FlowHops.Hop("fulfilment", "b-to-partner")), WITHIN,
      Duration.ofHours(24));
  /** Three hops, each in a namespace of its own: n0, n1, n2. */
  private static final FlowHops SPREAD = new FlowHops(List.of(new FlowHops.Hop("n0", "r0"),
      new FlowHops.Hop("n1", "r1"), new FlowHops.Hop("n2", "r2")), WITHIN, Duration.ofHours(24));

  private static StoredEvent event(String namespace, String route, EventState state, long receivedMinutesAgo,
      Long completedMinutesAgo) {
    Instant received = NOW.minus(Duration.ofMinutes(receivedMinutesAgo));
    return new StoredEvent(Uuids.v7(received), namespace, route, 1, "src", "ORD-1", "order", "erp", "erp-0", "POST",
        "http://x/", "", List.of(), new byte[0], received, state, state == PENDING ? 0 : 1, null, null, 0,
        state == PENDING ? null : "delivered", null,
        completedMinutesAgo == null ? null : NOW.minus(Duration.ofMinutes(completedMinutesAgo)));
  }

  private static OrderStory story(Optional<FlowHops> flow, Set<String> namespaces, StoredEvent... found) {
    return OrderStory.of("ORD-1", namespaces, flow, List.of(found), Map.of(), List.of(), NOW);
  }

  private static List<Integer> hops(OrderStory story) {
    return story.events().stream().map(e -> e.hop().isPresent() ? e.hop().getAsInt() : -1).toList();
  }

  @Test
  void withoutAFlowNoEventHasAHopAndThereIsNoProgress() {
    OrderStory story = story(Optional.empty(), Set.of("shop"), event("shop", "erp-to-a", DELIVERED, 10, 10L));

    assertThat(story.events()).singleElement().extracting(OrderStory.Event::hop).isEqualTo(OptionalInt.empty());
    assertThat(story.progress()).isEmpty();
    assertThat(story.unreadHops()).isEmpty();
    assertThat(story.conclusive()).isTrue();
    assertThat(story.stopped()).isFalse();
  }

  @Test
  void eventsAreInCaptureOrderWhateverOrderTheyWereReadIn() {
    StoredEvent late = event("fulfilment", "b-to-partner", DELIVERED, 8, 8L);
    StoredEvent early = event("shop", "erp-to-a", DELIVERED, 10, 10L);
    StoredEvent middle = event("shop", "a-to-b", DELIVERED, 9, 9L);

    OrderStory story = story(Optional.of(SHOP), Set.of("shop", "fulfilment"), late, early, middle);

    assertThat(story.events()).extracting(OrderStory.Event::event).containsExactly(early, middle, late);
    assertThat(hops(story)).containsExactly(0, 1, 2);
  }

  @Test
  void eventsCapturedAtTheSameInstantKeepTheirIdOrder() {
    StoredEvent at = event("shop", "erp-to-a", DELIVERED, 10, 10L);
    StoredEvent first = withId(at, new UUID(at.id().getMostSignificantBits(), 1));
    StoredEvent second = withId(event("shop", "a-to-b", DELIVERED, 10, 10L),
        new UUID(at.id().getMostSignificantBits(), 2));

    assertThat(story(Optional.of(SHOP), Set.of("shop"), second, first).events())
        .extracting(OrderStory.Event::event).containsExactly(first, second);
  }

  private static StoredEvent withId(StoredEvent e, UUID id) {
    return new StoredEvent(id, e.namespace(), e.route(), e.routeGeneration(), e.eventId(), e.correlationId(),
        e.eventType(), e.senderWorkload(), e.senderPod(), e.method(), e.url(), e.pathSuffix(), e.headers(), e.body(),
        e.receivedAt(), e.state(), e.attempts(), e.nextAttemptAt(), e.leaseOwner(), e.leaseToken(), e.lastOutcome(),
        e.lastAttemptAt(), e.completedAt());
  }

  @Test
  void aHopIsItsRouteInItsNamespaceAndOtherEventsOfTheOrderStayUnmarked() {
    OrderStory story = story(Optional.of(SHOP), Set.of("shop", "fulfilment"),
        event("shop", "erp-to-a", DELIVERED, 10, 10L),
        // The route of hop 2, but in the wrong namespace: not the hop.
        event("shop", "b-to-partner", DELIVERED, 9, 9L),
        // A route of the namespace that is no hop of the flow: told, unmarked.
        event("shop", "audit", DELIVERED, 8, 8L));

    assertThat(hops(story)).containsExactly(0, -1, -1);
    assertThat(story.at(0)).hasSize(1);
    assertThat(story.at(1)).isEmpty();
    assertThat(story.at(2)).isEmpty();
    // Only the marked event counts for the progress: delivered at hop 0 ten minutes ago, never captured by hop 1.
    assertThat(story.progress()).contains(new FlowProgress(State.BROKEN, 0, NOW.minus(Duration.ofMinutes(10))));
  }

  @Test
  void everyEventOfAHopIsMarkedWithIt() {
    OrderStory story = story(Optional.of(SHOP), Set.of("shop", "fulfilment"),
        event("shop", "erp-to-a", DEAD, 20, 19L), event("shop", "erp-to-a", DELIVERED, 10, 10L),
        event("shop", "a-to-b", PENDING, 1, null));

    assertThat(hops(story)).containsExactly(0, 0, 1);
    assertThat(story.at(0)).extracting(e -> e.event().state()).containsExactly(DEAD, DELIVERED);
    assertThat(story.progress()).contains(new FlowProgress(State.IN_FLIGHT, 1, NOW.minus(Duration.ofMinutes(1))));
  }

  @Test
  void noEventOnAHopMeansNoProgress() {
    OrderStory story = story(Optional.of(SHOP), Set.of("shop", "fulfilment"), event("shop", "audit", DELIVERED, 8,
        8L));

    assertThat(story.progress()).isEmpty();
    assertThat(story.conclusive()).isTrue();
    assertThat(story.stopped()).isFalse();
  }

  @Test
  void nothingFoundIsAnEmptyStory() {
    OrderStory story = story(Optional.of(SHOP), Set.of("shop"));

    assertThat(story.events()).isEmpty();
    assertThat(story.progress()).isEmpty();
    assertThat(story.unreadHops()).containsExactly(2);
    // Hop 2 was not read: it may have captured the order.
    assertThat(story.conclusive()).isFalse();
  }

  /** Each state the order can be in, as FlowProgress judges it, and whether the order stopped there. */
  @ParameterizedTest
  @CsvSource({
      // hop 0, hop 1, hop 2 (state:receivedMinutesAgo:completedMinutesAgo, - for none) -> state, hop, stopped
      "delivered:30:30, delivered:29:29, delivered:28:27, COMPLETE,  2, false",
      "delivered:10:10, delivered:9:4,   -,               IN_FLIGHT, 1, false",
      "delivered:10:10, pending:9:-,     -,               IN_FLIGHT, 1, false",
      "delivered:10:10, delivered:9:6,   -,               BROKEN,    1, true",
      "delivered:20:20, dead:19:15,      -,               FAILED,    1, true",
      "dead:20:15,      -,               -,               FAILED,    0, true",
      "delivered:10:10, -,               -,               BROKEN,    0, true",
  })
  void theProgressIsWhereTheFurthestHopLeftIt(String hop0, String hop1, String hop2, State state, int hop,
      boolean stopped) {
    List<StoredEvent> found = new ArrayList<>();
    String[] seen = {hop0, hop1, hop2};
    for (int k = 0; k < 3; k++) {
      if (!seen[k].equals("-")) {
        String[] p = seen[k].split(":");
        found.add(event(SHOP.hops().get(k).namespace(), SHOP.hops().get(k).route(), EventState.fromWire(p[0]),
            Long.parseLong(p[1]), p[2].equals("-") ? null : Long.parseLong(p[2])));
      }
    }

    OrderStory story = story(Optional.of(SHOP), Set.of("shop", "fulfilment"), found.toArray(StoredEvent[]::new));

    assertThat(story.progress()).map(FlowProgress::state).contains(state);
    assertThat(story.progress()).map(FlowProgress::hop).contains(hop);
    assertThat(story.stopped()).isEqualTo(stopped);
    assertThat(story.conclusive()).isTrue();
  }

  /**
   * Every hop an order delivered up to (all long ago) against every set of hops not read. Only what the hops read
   * show is judged; the judgement is conclusive only when no hop after the one it is about went unread.
   */
  @ParameterizedTest(name = "reached hop {0}, hops {1} unread: {2} at {3}, conclusive {4}")
  @CsvSource({
      "0, '',    BROKEN,   0, true",
      "0, 0,     -,       -1, false",
      "0, 1,     BROKEN,   0, false",
      "0, 2,     BROKEN,   0, false",
      "0, 0 1,   -,       -1, false",
      "0, 0 2,   -,       -1, false",
      "0, 1 2,   BROKEN,   0, false",
      "0, 0 1 2, -,       -1, false",
      "1, '',    BROKEN,   1, true",
      "1, 0,     BROKEN,   1, true",
      "1, 1,     BROKEN,   0, false",
      "1, 2,     BROKEN,   1, false",
      "1, 0 1,   -,       -1, false",
      "1, 0 2,   BROKEN,   1, false",
      "1, 1 2,   BROKEN,   0, false",
      "1, 0 1 2, -,       -1, false",
      "2, '',    COMPLETE, 2, true",
      "2, 0,     COMPLETE, 2, true",
      "2, 1,     COMPLETE, 2, true",
      "2, 2,     BROKEN,   1, false",
      "2, 0 1,   COMPLETE, 2, true",
      "2, 0 2,   BROKEN,   1, false",
      "2, 1 2,   BROKEN,   0, false",
      "2, 0 1 2, -,       -1, false",
  })
  void hopsInNamespacesNotReadAreUnreadAndMakeTheProgressInconclusiveWhenAfterIt(int reached, String unread,
      String state, int hop, boolean conclusive) {
    Set<Integer> unreadHops = unread.isBlank() ? Set.of()
        : Arrays.stream(unread.split(" ")).map(Integer::valueOf).collect(Collectors.toSet());
    Set<String> read = new HashSet<>();
    List<StoredEvent> found = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      if (!unreadHops.contains(k)) {
        read.add("n" + k);
        if (k <= reached) {
          // Only what a namespace read holds is found.
          found.add(event("n" + k, "r" + k, DELIVERED, 30 - k, 30L - k));
        }
      }
    }

    OrderStory story = story(Optional.of(SPREAD), read, found.toArray(StoredEvent[]::new));

    assertThat(story.unreadHops()).containsExactlyElementsOf(unreadHops.stream().sorted().toList());
    for (int k = 0; k < 3; k++) {
      assertThat(story.read(k)).isEqualTo(!unreadHops.contains(k));
    }
    if (state.equals("-")) {
      assertThat(story.progress()).isEmpty();
    } else {
      assertThat(story.progress()).map(FlowProgress::state).contains(State.valueOf(state));
      assertThat(story.progress()).map(FlowProgress::hop).contains(hop);
    }
    assertThat(story.conclusive()).isEqualTo(conclusive);
  }

  @Test
  void eachEventCarriesItsOwnAttemptsAndAnEventWithoutAnyHasNone() {
    StoredEvent tried = event("shop", "erp-to-a", DELIVERED, 10, 10L);
    StoredEvent waiting = event("shop", "a-to-b", PENDING, 9, null);
    AttemptRecord first = attempt(tried.id(), 1, "503");
    AttemptRecord second = attempt(tried.id(), 2, "delivered");

    OrderStory story = OrderStory.of("ORD-1", List.of("shop"), Optional.of(SHOP), List.of(waiting, tried),
        Map.of(tried.id(), List.of(first, second)), List.of(), NOW);

    assertThat(story.events().get(0).attempts()).containsExactly(first, second);
    assertThat(story.events().get(1).attempts()).isEmpty();
  }

  @Test
  void theNamespacesReadAreKeptOnceInTheirOrderAndTheTruncatedOnesNamed() {
    OrderStory story = OrderStory.of("ORD-1", List.of("shop", "fulfilment", "shop"), Optional.of(SHOP), List.of(),
        Map.of(), List.of("shop"), NOW);

    assertThat(story.namespaces()).containsExactly("shop", "fulfilment");
    assertThat(story.truncated()).containsExactly("shop");
    assertThat(story.unreadHops()).isEmpty();
  }

  private static AttemptRecord attempt(UUID event, int number, String outcome) {
    return new AttemptRecord(event, number, number == 1 ? AttemptRecord.INITIAL : AttemptRecord.RETRY, null, null,
        "w", "http://x/", NOW, 1.0, outcome.equals("delivered") ? 200 : Integer.valueOf(outcome), null, null, outcome,
        List.of(), null);
  }
}
