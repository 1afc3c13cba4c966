package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.journal.store.Uuids;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReplaySelectionTest {

  private static final Instant START = Instant.parse("2026-11-27T12:00:00Z");

  private static ReplaySpec spec(String route) {
    ReplaySpec spec = new ReplaySpec();
    spec.setRouteRef(new LocalObjectReference(route));
    return spec;
  }

  @Test
  void theMinimalSelectionIsNamespaceRouteAndTheDefaultStatesInIndexOrder() {
    ReplaySelection.Sql sql = ReplaySelection.of("shop", spec("orders"), START).toSql(1);

    assertThat(sql.where()).isEqualTo(
        "e.namespace = $1 AND e.route = ANY($2::text[]) AND e.state = ANY($3::text[])");
    assertThat(sql.params()).hasSize(3);
    assertThat(sql.params().get(0)).isEqualTo("shop");
    assertThat((String[]) sql.params().get(1)).containsExactly("orders");
    assertThat((String[]) sql.params().get(2)).containsExactly("failed", "dead");
  }

  @Test
  void aFlowsStoppedOrdersArePairsOfRouteAndCorrelationIdNotTheirCrossProduct() {
    ReplaySelection selection = ReplaySelection.of("shop", spec("a"), START).withOrders(List.of(
        new FlowScope.RouteOrder("a", "ORD-1"), new FlowScope.RouteOrder("b", "ORD-2")));
    ReplaySelection.Sql sql = selection.toSql(1);

    assertThat(sql.where()).endsWith(" AND (e.route, e.correlation_id) IN (SELECT * FROM unnest($4::text[],"
        + " $5::text[]))");
    assertThat((String[]) sql.params().get(3)).containsExactly("a", "b");
    assertThat((String[]) sql.params().get(4)).containsExactly("ORD-1", "ORD-2");
    // No stopped order selects nothing: an empty pair list still narrows.
    assertThat(ReplaySelection.of("shop", spec("a"), START).withOrders(List.of()).toSql(1).where())
        .contains("unnest($4::text[], $5::text[])");
  }

  @Test
  void durationsCountBackFromTheStartAndBecomeIdBoundsToo() {
    ReplaySpec spec = spec("orders");
    spec.setSince("2h");
    spec.setUntil("30m");

    ReplaySelection selection = ReplaySelection.of("shop", spec, START);
    ReplaySelection.Sql sql = selection.toSql(1);

    assertThat(selection.since()).isEqualTo(START.minus(Duration.ofHours(2)));
    assertThat(selection.until()).isEqualTo(START.minus(Duration.ofMinutes(30)));
    assertThat(sql.where()).endsWith(" AND e.id >= $4 AND e.received_at >= $5 AND e.id < $6"
        + " AND e.received_at < $7");
    assertThat(sql.params().get(3)).isEqualTo(Uuids.lowerBound(selection.since()));
    assertThat(sql.params().get(4)).isEqualTo(selection.since().atOffset(ZoneOffset.UTC));
    // Every id of the until millisecond sorts below the bound; received_at decides within it.
    UUID lastIncluded = Uuids.v7(selection.until().minusNanos(1));
    assertThat(lastIncluded.compareTo((UUID) sql.params().get(5))).isNegative();
  }

  @Test
  void timestampsAreTakenAsWritten() {
    ReplaySpec spec = spec("orders");
    spec.setSince("2026-11-27T10:00:00+01:00");

    assertThat(ReplaySelection.of("shop", spec, START).since()).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
  }

  @Test
  void everySelectorNarrowsAndListsMatchAnyEntry() {
    ReplaySpec spec = new ReplaySpec();
    spec.setRoutes(List.of("orders", "invoices"));
    spec.setStates(List.of(EventState.DEAD));
    spec.setEventIds(List.of("order-1", "0190a0b0-0000-7000-8000-000000000001"));
    spec.setCorrelationIds(List.of("42"));
    spec.setTypes(List.of("order.created", "order.paid"));
    spec.setLastOutcome(List.of("503"));
    spec.setSenderWorkload("erp");

    ReplaySelection.Sql sql = ReplaySelection.of("shop", spec, START).toSql(3);

    assertThat(sql.where()).isEqualTo("e.namespace = $3 AND e.route = ANY($4::text[]) AND e.state = ANY($5::text[])"
        + " AND (e.event_id = ANY($6::text[]) OR e.id = ANY($7::uuid[]))"
        + " AND e.correlation_id = ANY($8::text[]) AND e.event_type = ANY($9::text[])"
        + " AND e.last_outcome = ANY($10::text[]) AND e.sender_workload = $11");
    assertThat((String[]) sql.params().get(1)).containsExactly("orders", "invoices");
    assertThat((String[]) sql.params().get(2)).containsExactly("dead");
    // A source id matches event_id only; a UUID may be either the source id or Rewind's own id.
    assertThat((String[]) sql.params().get(3)).containsExactly("order-1", "0190a0b0-0000-7000-8000-000000000001");
    assertThat((UUID[]) sql.params().get(4)).containsExactly(UUID.fromString("0190a0b0-0000-7000-8000-000000000001"));
    assertThat(sql.params().get(8)).isEqualTo("erp");
  }

  @Test
  void lastOutcomePatternsExpandToTheTokensRetryOnWouldSelect() {
    assertThat(ReplaySelection.outcomeTokens(List.of("5xx"))).hasSize(100).startsWith("500").endsWith("599");
    assertThat(ReplaySelection.outcomeTokens(List.of("500-504", "timeout")))
        .containsExactly("500", "501", "502", "503", "504", "timeout");
    assertThat(ReplaySelection.outcomeTokens(List.of("connect-failure", "tls-failure", "429")))
        .containsExactly("429", "connect-failure", "tls-failure");
    // Neither a delivered event nor one refused for configuration is ever selected by an outcome pattern.
    assertThat(ReplaySelection.outcomeTokens(List.of("1xx", "2xx", "3xx", "4xx", "5xx")))
        .hasSize(500).doesNotContain("delivered", "config-error", "blocked-destination");
  }

  @Test
  void badSelectorsAreRefusedNamingTheField() {
    ReplaySpec since = spec("orders");
    since.setSince("yesterday");
    assertThatThrownBy(() -> ReplaySelection.of("shop", since, START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.since: ");
    ReplaySpec outcome = spec("orders");
    outcome.setLastOutcome(List.of("504-500"));
    assertThatThrownBy(() -> ReplaySelection.of("shop", outcome, START))
        .hasMessageStartingWith("spec.lastOutcome: ")
        .hasMessageContaining("runs backwards");
    assertThatThrownBy(() -> ReplaySelection.of("shop", new ReplaySpec(), START))
        .hasMessageStartingWith("spec.routeRef, spec.routes: set one");
  }

  @Test
  void aSinceOrUntilThatOverflowsIsTheFieldsIllegalArgumentNotAnArithmeticFailure() {
    // Refused at admission now; a Replay stored before the grammar was bounded still gets the field's message.
    ReplaySpec overflow = spec("orders");
    overflow.setSince("99999999999999h");
    ReplaySpec beforeTime = spec("orders");
    beforeTime.setUntil("8000000000000h");

    assertThatThrownBy(() -> ReplaySelection.of("shop", overflow, START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.since: \"99999999999999h\" is neither an RFC 3339 timestamp");
    assertThatThrownBy(() -> ReplaySelection.of("shop", beforeTime, START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.until: \"8000000000000h\" is neither an RFC 3339 timestamp");
  }

  @Test
  void untilMustBeLaterThanSinceAlsoWhenOneIsADurationAndTheOtherATimestamp() {
    // START is 12:00; 1h is 11:00. The CRD cannot compare a duration with a timestamp; the start resolves both.
    ReplaySpec durationSince = spec("orders");
    durationSince.setSince("1h");
    durationSince.setUntil("2026-11-27T10:30:00Z");
    ReplaySpec timestampSince = spec("orders");
    timestampSince.setSince("2026-11-27T11:30:00Z");
    timestampSince.setUntil("45m");
    ReplaySpec fine = spec("orders");
    fine.setSince("2026-11-27T10:30:00Z");
    fine.setUntil("1h");

    assertThatThrownBy(() -> ReplaySelection.of("shop", durationSince, START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spec.until: 2026-11-27T10:30:00Z (2026-11-27T10:30:00Z) is not later than spec.since 1h"
            + " (2026-11-27T11:00:00Z); durations count back from the start of the replay, 2026-11-27T12:00:00Z");
    assertThatThrownBy(() -> ReplaySelection.of("shop", timestampSince, START))
        .hasMessageStartingWith("spec.until: 45m (2026-11-27T11:15:00Z) is not later than spec.since");
    assertThat(ReplaySelection.of("shop", fine, START).until()).isEqualTo(Instant.parse("2026-11-27T11:00:00Z"));
  }

  @Test
  void anOverflowingSinceIsRefusedNamingTheFieldNotAnArithmeticError() {
    ReplaySpec huge = spec("orders");
    huge.setSince("99999999999h");
    assertThatThrownBy(() -> ReplaySelection.of("shop", huge, START))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spec.since: \"99999999999h\" is neither");
  }

  @Test
  void lowerCaseTimestampsAreRfc3339Too() {
    ReplaySpec lower = spec("orders");
    lower.setSince("2026-11-27t09:00:00z");
    lower.setUntil("2026-11-27t12:00:00+02:00");
    ReplaySelection selection = ReplaySelection.of("shop", lower, START);
    assertThat(selection.since()).isEqualTo(Instant.parse("2026-11-27T09:00:00Z"));
    assertThat(selection.until()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
  }
}
