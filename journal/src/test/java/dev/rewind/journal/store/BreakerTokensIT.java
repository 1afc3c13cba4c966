package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.testing.TestStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The drain's shared token bucket, in the real store: a token claimed late keeps its lateness (the next one falls
 * due one interval after the late one was due, not after the claim), at most one burst of it; nothing is handed out
 * early; a destination that is not draining has no tokens; and however often workers ask, they get no more than
 * {@code 2 × burst + rate × t}.
 */
class BreakerTokensIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static TestStore store;
  private static BreakerStore breakers;

  @BeforeAll
  static void start() {
    store = TestStore.create();
    breakers = store.events.breakers("default");
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  private static void draining(String destination, String drainNext) {
    store.column("INSERT INTO rewind.breakers (namespace, destination, state, drain_next) VALUES ('default', $1,"
        + " 'draining', " + drainNext + ") ON CONFLICT (namespace, destination) DO UPDATE SET state = 'draining', drain_next = EXCLUDED.drain_next"
        + " RETURNING destination", destination);
  }

  private static int tokens(String destination, int wanted, int rate, int burst) {
    return breakers.drainTokens(destination, wanted, rate, burst).await().atMost(WAIT);
  }

  private static Instant drainNext(String destination) {
    return Instant.parse(store.column("SELECT to_char(drain_next AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM rewind.breakers WHERE destination = $1", destination).get(0));
  }

  @Test
  void aLateClaimKeepsItsLatenessUpToOneBurst() {
    String d = "http://late:80";
    // Due 30 ms ago at 25/s (a 40 ms interval): the next token is due 10 ms from now, not 40.
    Instant due = Instant.parse(store.column("SELECT to_char((now() - interval '30 milliseconds') AT TIME ZONE"
        + " 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").get(0));
    draining(d, "'" + due + "'::timestamptz");
    assertThat(tokens(d, 1, 25, 1)).isEqualTo(1);
    assertThat(drainNext(d)).isEqualTo(due.plusMillis(40));

    // Long overdue: at most one burst of lateness is kept, so one burst (and one more token) at once, then paced.
    String bursty = "http://idle:80";
    draining(bursty, "'2000-01-01T00:00:00Z'::timestamptz");
    assertThat(tokens(bursty, 10, 100, 4)).as("a burst of 4 at most").isEqualTo(4);
    assertThat(tokens(bursty, 10, 100, 4)).as("the one interval of lateness carried, then nothing early")
        .isBetween(0, 1);
  }

  @Test
  void nothingEarlyAndNothingWhenNotDraining() {
    String d = "http://early:80";
    draining(d, "now() + interval '1 hour'");
    assertThat(tokens(d, 5, 10, 1)).isZero();
    store.column("INSERT INTO rewind.breakers (namespace, destination, state) VALUES ('default', 'http://open:80',"
        + " 'open')"
        + " RETURNING destination");
    assertThat(tokens("http://open:80", 5, 10, 1)).isZero();
    assertThat(tokens("http://no-row:80", 5, 10, 1)).isZero();
  }

  @Test
  void askingAsOftenAsPossibleGetsNoMoreThanTheRateAllows() {
    String d = "http://busy:80";
    draining(d, "NULL");
    int rate = 50;
    int burst = 1;
    long t0 = System.nanoTime();
    int got = 0;
    while (System.nanoTime() - t0 < Duration.ofMillis(1500).toNanos()) {
      got += tokens(d, 5, rate, burst);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("drain tokens: %d in %.2f s at %d/s%n", got, seconds, rate);
    assertThat(got).isPositive().isLessThanOrEqualTo((int) (2 * burst + rate * seconds));
  }
}
