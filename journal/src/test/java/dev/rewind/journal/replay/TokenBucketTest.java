package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  /** A clock that moves only when the test says so. */
  private static final class FakeClock {
    long nanos = 1_000_000_000L;

    long now() {
      return nanos;
    }

    void advance(long amount, TimeUnit unit) {
      nanos += unit.toNanos(amount);
    }
  }

  private final FakeClock clock = new FakeClock();

  private int drain(TokenBucket bucket) {
    int n = 0;
    while (bucket.tryAcquire()) {
      n++;
    }
    return n;
  }

  @Test
  void startsFullAndRefusesOnceEmpty() {
    TokenBucket bucket = new TokenBucket(100, 10, clock::now);

    assertThat(drain(bucket)).isEqualTo(10);
    assertThat(bucket.tryAcquire()).isFalse();
  }

  @Test
  void refillsAtTheRateAndSaysHowLongUntilTheNextToken() {
    TokenBucket bucket = new TokenBucket(100, 10, clock::now);
    drain(bucket);

    assertThat(bucket.nanosUntilAvailable()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
    clock.advance(4, TimeUnit.MILLISECONDS);
    assertThat(bucket.nanosUntilAvailable()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(6));
    assertThat(bucket.tryAcquire()).isFalse();
    clock.advance(6, TimeUnit.MILLISECONDS);
    assertThat(bucket.nanosUntilAvailable()).isZero();
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isFalse();
  }

  @Test
  void neverHoldsMoreThanItsCapacityHoweverLongItIdles() {
    TokenBucket bucket = new TokenBucket(100, 10, clock::now);
    drain(bucket);

    clock.advance(1, TimeUnit.HOURS);

    assertThat(bucket.available()).isEqualTo(10);
    assertThat(drain(bucket)).isEqualTo(10);
  }

  @Test
  void overTenSecondsAtMostCapacityPlusRateTimesTenStart() {
    TokenBucket bucket = new TokenBucket(50, 5, clock::now);
    int started = 0;
    // Try every millisecond, as a busy runner would.
    for (int ms = 0; ms < 10_000; ms++) {
      started += drain(bucket);
      clock.advance(1, TimeUnit.MILLISECONDS);
    }
    started += drain(bucket);

    assertThat(started).isEqualTo(5 + 50 * 10);
  }

  @Test
  void fractionalRatesAccrueAcrossCalls() {
    TokenBucket bucket = new TokenBucket(0.5, 1, clock::now);
    assertThat(bucket.tryAcquire()).isTrue();

    clock.advance(1, TimeUnit.SECONDS);
    assertThat(bucket.tryAcquire()).isFalse();
    assertThat(bucket.nanosUntilAvailable()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    clock.advance(1, TimeUnit.SECONDS);
    assertThat(bucket.tryAcquire()).isTrue();
  }

  @Test
  void aClockThatDoesNotMoveAddsNothing() {
    TokenBucket bucket = new TokenBucket(1000, 1, clock::now);
    assertThat(bucket.tryAcquire()).isTrue();

    for (int i = 0; i < 100; i++) {
      assertThat(bucket.tryAcquire()).isFalse();
    }
  }

  @Test
  void aReplaysBucketBurstsATenthOfASecondsWorth() {
    assertThat(TokenBucket.forRate(100, clock::now).available()).isEqualTo(10);
    assertThat(TokenBucket.forRate(5, clock::now).available()).isEqualTo(1);
    assertThat(TokenBucket.forRate(1000, clock::now).available()).isEqualTo(100);
  }

  @Test
  void rejectsMeaninglessSettings() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, clock::now)).hasMessageContaining("rate must be positive");
    assertThatThrownBy(() -> new TokenBucket(10, 0, clock::now)).hasMessageContaining("capacity");
  }
}
