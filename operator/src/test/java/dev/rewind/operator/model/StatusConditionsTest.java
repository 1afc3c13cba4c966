package dev.rewind.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.common.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusConditionsTest {

  private static final Instant EARLIER = Instant.parse("2026-11-27T09:00:00Z");
  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00.750Z");
  private static final String NOW_TEXT = "2026-11-27T10:00:00Z";

  @Test
  void aNewConditionTransitionsNowAndCarriesTheGeneration() {
    List<Condition> built = StatusConditions.after(null, 4L, NOW).set("Ready", true, "Published", "ok").build();

    assertThat(built).singleElement().satisfies(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo(Condition.TRUE);
      assertThat(c.getReason()).isEqualTo("Published");
      assertThat(c.getMessage()).isEqualTo("ok");
      assertThat(c.getObservedGeneration()).isEqualTo(4L);
      assertThat(c.getLastTransitionTime()).isEqualTo(NOW_TEXT);
    });
  }

  @Test
  void anEmptyPreviousListIsLikeNone() {
    assertThat(StatusConditions.after(List.of(), 1L, NOW).set("Ready", false, "Pending", "m").build())
        .singleElement().extracting(Condition::getLastTransitionTime).isEqualTo(NOW_TEXT);
  }

  /** The transition table: lastTransitionTime moves only when the status or the reason changes. */
  @ParameterizedTest(name = "{0}/{1} -> {2}/{3}: carried over = {4}")
  @CsvSource({
      "True,  Published,           True,  Published,           true",
      "False, RetryPolicyNotFound, False, RetryPolicyNotFound, true",
      "True,  Published,           False, StoreUnavailable,    false",
      "False, StoreUnavailable,    True,  Published,           false",
      "False, RetryPolicyNotFound, False, DestinationBlocked,  false",
      "True,  Published,           Unknown, Published,         false",
      "Unknown, Pending,           Unknown, Pending,           true",
  })
  void transitionTimeMovesOnlyWithStatusOrReason(String oldStatus, String oldReason, String newStatus,
      String newReason, boolean carried) {
    Condition before = condition("Ready", oldStatus, oldReason, "before", EARLIER, 1L);

    Condition after = StatusConditions.after(List.of(before), 2L, NOW)
        .set("Ready", newStatus, newReason, "after").build().get(0);

    assertThat(after.getLastTransitionTime()).isEqualTo(carried ? "2026-11-27T09:00:00Z" : NOW_TEXT);
    assertThat(after.getMessage()).isEqualTo("after");
    assertThat(after.getObservedGeneration()).isEqualTo(2L);
    assertThat(StatusConditions.isTransition(List.of(before), after)).isEqualTo(!carried);
  }

  @Test
  void aPreviousConditionWithoutTransitionTimeGetsOneNow() {
    Condition before = condition("Ready", "True", "Published", "m", null, 1L);

    assertThat(StatusConditions.after(List.of(before), 1L, NOW).set("Ready", true, "Published", "m").build())
        .singleElement().extracting(Condition::getLastTransitionTime).isEqualTo(NOW_TEXT);
  }

  @Test
  void eachConditionTypeIsTrackedOnItsOwn() {
    List<Condition> before = List.of(
        condition("Ready", "False", "StoreUnavailable", "down", EARLIER, 1L),
        condition("ResolvedRefs", "True", "Resolved", "ok", EARLIER, 1L));

    List<Condition> after = StatusConditions.after(before, 1L, NOW)
        .set("Ready", true, "Published", "up")
        .set("ResolvedRefs", true, "Resolved", "ok")
        .build();

    assertThat(after).extracting(Condition::getType, Condition::getLastTransitionTime).containsExactly(
        org.assertj.core.groups.Tuple.tuple("Ready", NOW_TEXT),
        org.assertj.core.groups.Tuple.tuple("ResolvedRefs", "2026-11-27T09:00:00Z"));
  }

  @Test
  void theResultHoldsExactlyTheConditionsSetInThisPassInTheirOrder() {
    List<Condition> before = List.of(
        condition("Stale", "True", "Old", "gone", EARLIER, 1L),
        condition("Ready", "True", "Published", "m", EARLIER, 1L));

    List<Condition> after = StatusConditions.after(before, 1L, NOW)
        .set("ResolvedRefs", true, "Resolved", "ok")
        .set("Ready", true, "Published", "m")
        .build();

    assertThat(after).extracting(Condition::getType).containsExactly("ResolvedRefs", "Ready");
  }

  @Test
  void theSameObservationsGiveEqualConditionsSoTheCallerCanSkipTheWrite() {
    List<Condition> first = StatusConditions.after(null, 3L, NOW)
        .set("Ready", false, "RetryPolicyNotFound", "RetryPolicy \"quick\" not found")
        .set("ResolvedRefs", false, "RetryPolicyNotFound", "RetryPolicy \"quick\" not found")
        .build();
    // What the API server hands back next time: equal values in a mutable list of other objects.
    List<Condition> stored = new ArrayList<>();
    first.forEach(c -> stored.add(condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage(),
        Instant.parse(c.getLastTransitionTime()), c.getObservedGeneration())));

    List<Condition> second = StatusConditions.after(stored, 3L, NOW.plusSeconds(3600))
        .set("Ready", false, "RetryPolicyNotFound", "RetryPolicy \"quick\" not found")
        .set("ResolvedRefs", false, "RetryPolicyNotFound", "RetryPolicy \"quick\" not found")
        .build();

    assertThat(second).isEqualTo(stored).isEqualTo(first);
  }

  @Test
  void theResultIsUnmodifiableAndDetachedFromThePreviousConditions() {
    Condition before = condition("Ready", "True", "Published", "m", EARLIER, 1L);
    List<Condition> after = StatusConditions.after(List.of(before), 1L, NOW).set("Ready", true, "Published", "m")
        .build();

    before.setMessage("edited later");

    assertThat(after.get(0)).isNotSameAs(before);
    assertThat(after.get(0).getMessage()).isEqualTo("m");
    assertThatThrownBy(() -> after.add(before)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void whenThePreviousListRepeatsATypeTheFirstCounts() {
    List<Condition> before = List.of(
        condition("Ready", "True", "Published", "first", EARLIER, 1L),
        condition("Ready", "False", "StoreUnavailable", "second", EARLIER.plusSeconds(60), 1L));

    assertThat(StatusConditions.after(before, 1L, NOW).set("Ready", true, "Published", "m").build())
        .singleElement().extracting(Condition::getLastTransitionTime).isEqualTo("2026-11-27T09:00:00Z");
  }

  @Test
  void aConditionTypeCanBeSetOncePerPass() {
    StatusConditions conditions = StatusConditions.after(null, 1L, NOW).set("Ready", true, "Published", "m");

    assertThatThrownBy(() -> conditions.set("Ready", false, "StoreUnavailable", "m"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Ready was already set");
  }

  @Test
  void statusMustBeTrueFalseOrUnknown() {
    assertThatThrownBy(() -> StatusConditions.after(null, 1L, NOW).set("Ready", "yes", "Published", "m"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("True, False or Unknown");
  }

  @Test
  void reasonMustBeCamelCase() {
    for (String reason : new String[] {null, "", "Not published", "9Lives", "Published."}) {
      assertThatThrownBy(() -> StatusConditions.after(null, 1L, NOW).set("Ready", true, reason, "m"))
          .as("reason %s", reason)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CamelCase");
    }
  }

  @Test
  void typeIsRequired() {
    assertThatThrownBy(() -> StatusConditions.after(null, 1L, NOW).set(" ", true, "Published", "m"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type");
  }

  @Test
  void aMissingMessageIsEmptyAndAnOverlongOneIsCut() {
    List<Condition> built = StatusConditions.after(null, 1L, NOW)
        .set("A", true, "Fine", null)
        .set("B", false, "Long", "x".repeat(StatusConditions.MAX_MESSAGE + 10))
        .build();

    assertThat(built.get(0).getMessage()).isEmpty();
    assertThat(built.get(1).getMessage()).hasSize(StatusConditions.MAX_MESSAGE).endsWith("…");
  }

  @Test
  void timestampsAreUtcSecondsAsMetav1TimeWritesThem() {
    assertThat(StatusConditions.timestamp(Instant.parse("2026-01-02T03:04:05.999999Z")))
        .isEqualTo("2026-01-02T03:04:05Z");
  }

  @Test
  void findReturnsTheConditionOfAType() {
    List<Condition> conditions = List.of(condition("A", "True", "R", "m", EARLIER, 1L));

    assertThat(StatusConditions.find(conditions, "A")).isPresent();
    assertThat(StatusConditions.find(conditions, "B")).isEmpty();
    assertThat(StatusConditions.find(null, "A")).isEmpty();
  }

  private static Condition condition(String type, String status, String reason, String message, Instant time,
      Long generation) {
    Condition c = new Condition(type, status, reason, message);
    c.setLastTransitionTime(time == null ? null : StatusConditions.timestamp(time));
    c.setObservedGeneration(generation);
    return c;
  }
}
