package dev.rewind.journal.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule of {@link HealthVerdict}, and their precedence. */
class HealthVerdictTest {

  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
  private static final Instant SINCE = NOW.minus(Duration.ofMinutes(1));
  private static final Duration BACKLOG_AGE = Duration.ofMinutes(5);

  private static RouteHealth health(long pending, long failed, long dead, long deadSince, long delivered,
      Instant lastDelivered, Instant oldest, RouteHealth.Failure failure) {
    return new RouteHealth("shop", "orders", pending, 0, failed, dead, deadSince, delivered, lastDelivered, oldest,
        failure, NOW, SINCE);
  }

  private static RouteHealth.Failure failure(String outcome, Duration ago) {
    return RouteHealth.Failure.of(outcome, NOW.minus(ago));
  }

  @Test
  void nothingJournaledIsIdle() {
    HealthVerdict v = HealthVerdict.of(RouteHealth.empty("shop", "orders", NOW, SINCE), BACKLOG_AGE);

    assertThat(v.healthy()).isTrue();
    assertThat(v.reason()).isEqualTo(HealthVerdict.IDLE);
    assertThat(v.destinationFailing()).isFalse();
  }

  @Test
  void deliveriesOrAFreshBacklogAreDelivering() {
    HealthVerdict delivering = HealthVerdict.of(health(0, 0, 0, 0, 7, NOW, null, null), BACKLOG_AGE);
    HealthVerdict waiting = HealthVerdict.of(health(3, 0, 0, 0, 0, null, NOW.minusSeconds(10), null), BACKLOG_AGE);

    assertThat(delivering.reason()).isEqualTo(HealthVerdict.DELIVERING);
    assertThat(delivering.message()).startsWith("7 delivered in the last 1m");
    assertThat(waiting.healthy()).isTrue();
    assertThat(waiting.reason()).isEqualTo(HealthVerdict.DELIVERING);
    assertThat(waiting.message()).contains("3 events waiting");
  }

  @Test
  void aBacklogOlderThanTheThresholdIsBacklog() {
    HealthVerdict v = HealthVerdict.of(health(40, 0, 0, 0, 2, NOW, NOW.minus(Duration.ofMinutes(6)), null),
        BACKLOG_AGE);

    assertThat(v.healthy()).isFalse();
    assertThat(v.reason()).isEqualTo(HealthVerdict.BACKLOG);
    assertThat(v.message()).contains("40 events waiting", "the oldest for 6m", "more than 5m");
  }

  @Test
  void theBacklogThresholdItselfIsStillHealthy() {
    HealthVerdict v = HealthVerdict.of(health(1, 0, 0, 0, 0, null, NOW.minus(BACKLOG_AGE), null), BACKLOG_AGE);

    assertThat(v.healthy()).isTrue();
  }

  @Test
  void aRecentFailureWithNothingDeliveredAfterIsDestinationFailing() {
    HealthVerdict v = HealthVerdict.of(health(0, 2, 0, 0, 0, null, NOW.minusSeconds(30),
        failure("503", Duration.ofSeconds(5))), BACKLOG_AGE);

    assertThat(v.healthy()).isFalse();
    assertThat(v.reason()).isEqualTo(HealthVerdict.DESTINATION_FAILING);
    assertThat(v.destinationFailing()).isTrue();
    assertThat(v.message()).contains("latest attempt 503 at 2026-12-06T09:59:55Z", "2 scheduled for a retry");
  }

  @Test
  void aDeliveryAfterTheLatestFailureMeansTheDestinationRecovered() {
    HealthVerdict v = HealthVerdict.of(health(0, 1, 0, 0, 5, NOW.minusSeconds(1), NOW.minusSeconds(20),
        failure("timeout", Duration.ofSeconds(10))), BACKLOG_AGE);

    assertThat(v.destinationFailing()).isFalse();
    assertThat(v.reason()).isEqualTo(HealthVerdict.DELIVERING);
  }

  @ParameterizedTest(name = "failure {0} s ago, {1} failed waiting → failing {2}")
  @CsvSource({
      "10, 0, true",   // in the window
      "59, 0, true",
      "61, 0, false",  // before the window, nothing waiting for a retry: an old failure
      "61, 1, true",   // before the window, but retries still scheduled and nothing delivered
      "3600, 2, true"})
  void aFailureCountsWhileRecentOrWhileRetriesWait(long agoSeconds, long failed, boolean failing) {
    RouteHealth h = health(0, failed, 0, 0, 0, null, failed > 0 ? NOW.minusSeconds(agoSeconds + 1) : null,
        failure("timeout", Duration.ofSeconds(agoSeconds)));

    assertThat(HealthVerdict.destinationFailing(h)).isEqualTo(failing);
  }

  @Test
  void deadEventsWinOverEverythingAndSayWhatToDo() {
    HealthVerdict v = HealthVerdict.of(health(50, 3, 12, 4, 0, null, NOW.minus(Duration.ofHours(1)),
        failure("timeout", Duration.ofSeconds(2))), BACKLOG_AGE);

    assertThat(v.healthy()).isFalse();
    assertThat(v.reason()).isEqualTo(HealthVerdict.EVENTS_DEAD);
    assertThat(v.destinationFailing()).isTrue();
    assertThat(v.message()).contains("12 events dead (4 in the last 1m)", "the latest with outcome timeout",
        "The destination is still failing", "Replay of route orders selecting state dead");
  }

  @Test
  void oldDeadEventsStayEventsDeadWhileEverythingElseIsFine() {
    HealthVerdict v = HealthVerdict.of(health(0, 0, 1, 0, 100, NOW, null,
        failure("400", Duration.ofDays(3))), BACKLOG_AGE);

    assertThat(v.reason()).isEqualTo(HealthVerdict.EVENTS_DEAD);
    assertThat(v.destinationFailing()).isFalse();
    assertThat(v.message()).startsWith("1 event dead (0 in the last 1m)").doesNotContain("still failing");
  }

  @Test
  void onlyThreeDigitOutcomesAreStatusCodes() {
    assertThat(RouteHealth.Failure.of("503", NOW).statusCode()).isEqualTo(503);
    assertThat(RouteHealth.Failure.of("timeout", NOW).statusCode()).isNull();
    assertThat(RouteHealth.Failure.of("5030", NOW).statusCode()).isNull();
  }

  private static final Instant HELD_AT = Instant.parse("2026-12-06T09:55:12.345Z");

  @Test
  void aHeldDestinationIsHeldSayingWhySinceWhenAndHowMany() {
    RouteHealth h = health(9, 3, 0, 0, 0, null, NOW.minus(Duration.ofMinutes(6)), null)
        .withCircuit(new RouteHealth.Circuit(RouteHealth.Circuit.HELD, HELD_AT,
            "no ready endpoints for Service shop/service-b"));
    HealthVerdict v = HealthVerdict.of(h, BACKLOG_AGE);

    assertThat(v.healthy()).isFalse();
    assertThat(v.reason()).isEqualTo(HealthVerdict.HELD);
    assertThat(v.message()).isEqualTo("Deliveries to the destination are held since 2026-12-06T09:55:12Z: no ready"
        + " endpoints for Service shop/service-b; 12 events held, not attempted. They go out once the hold is"
        + " lifted.");
    assertThat(h.held()).isEqualTo(12);
  }

  @Test
  void anOpenOrProbedBreakerIsCircuitOpen() {
    RouteHealth base = health(1, 0, 0, 0, 0, null, NOW.minusSeconds(30), failure("503", Duration.ofSeconds(20)));
    HealthVerdict open = HealthVerdict.of(base.withCircuit(new RouteHealth.Circuit("open", HELD_AT, null)),
        BACKLOG_AGE);
    HealthVerdict probed = HealthVerdict.of(base.withCircuit(new RouteHealth.Circuit("half_open", HELD_AT, null)),
        BACKLOG_AGE);

    assertThat(open.healthy()).isFalse();
    assertThat(open.reason()).isEqualTo(HealthVerdict.CIRCUIT_OPEN);
    assertThat(open.message()).startsWith("The destination's circuit breaker is open since 2026-12-06T09:55:12Z;"
        + " 1 event held, not attempted.");
    assertThat(open.destinationFailing()).as("the failure that opened it is still the latest").isTrue();
    assertThat(probed.reason()).isEqualTo(HealthVerdict.CIRCUIT_OPEN);
    assertThat(probed.message()).contains("open since 2026-12-06T09:55:12Z, being probed; 1 event held");
  }

  @Test
  void deadEventsComeBeforeAHoldAndADrainingBreakerHoldsNothing() {
    RouteHealth.Circuit held = new RouteHealth.Circuit(RouteHealth.Circuit.HELD, HELD_AT, "maintenance");
    HealthVerdict dead = HealthVerdict.of(health(2, 0, 4, 4, 0, null, NOW.minusSeconds(10), null)
        .withCircuit(held), BACKLOG_AGE);
    RouteHealth draining = health(5, 0, 0, 0, 20, NOW, NOW.minusSeconds(10), null)
        .withCircuit(new RouteHealth.Circuit("draining", HELD_AT, null));

    assertThat(dead.reason()).isEqualTo(HealthVerdict.EVENTS_DEAD);
    assertThat(HealthVerdict.of(draining, BACKLOG_AGE).reason()).isEqualTo(HealthVerdict.DELIVERING);
    assertThat(draining.held()).isZero();
  }

  @Test
  void aPausedRouteIsPausedWhateverItsDestinationsCircuitSaysAndItsEventsAreHeld() {
    RouteHealth h = health(3, 2, 0, 0, 0, null, NOW.minus(Duration.ofHours(2)), failure("503",
        Duration.ofMinutes(1))).withCircuit(new RouteHealth.Circuit(RouteHealth.Circuit.PAUSED, HELD_AT, null));
    HealthVerdict v = HealthVerdict.of(h, BACKLOG_AGE);

    assertThat(v.healthy()).isFalse();
    assertThat(v.reason()).as("paused on purpose, not a backlog nor a failing destination")
        .isEqualTo(HealthVerdict.PAUSED);
    assertThat(v.message()).isEqualTo("Delivery is paused (spec.paused) since 2026-12-06T09:55:12Z; 5 events"
        + " held, not attempted. They go out once the route is unpaused.");
    assertThat(h.held()).isEqualTo(5);
    assertThat(HealthVerdict.of(health(0, 0, 1, 1, 0, null, null, null).withCircuit(h.circuit()), BACKLOG_AGE)
        .reason()).as("dead events still come first").isEqualTo(HealthVerdict.EVENTS_DEAD);
  }
}
