package dev.rewind.journal.delivery;

import dev.rewind.journal.retry.BreakerPolicy;

/**
 * The opening rule of a circuit breaker, as one worker sees its own attempts to a destination. Pure and not
 * thread-safe (the engine calls it under its lock). Only counted outcomes are recorded: a retryable failure
 * (its outcome is in retryOn) or an answer that is not one; outcomes the policy does not retry say nothing about
 * the destination's health and are not recorded.
 *
 * <pre>
 *   trips when  consecutive failures ≥ consecutiveFailures
 *          or   failureRatio &gt; 0, at least window outcomes recorded, and failures among the last window
 *               ≥ failureRatio × window
 * </pre>
 *
 * Counting stays per worker, so a closed breaker costs no store round trip per attempt; the first worker whose
 * count trips opens the shared breaker for all.
 */
public final class FailureCounter {

  private final BreakerPolicy policy;
  private final boolean[] last;
  private int next;
  private int recorded;
  private int failuresInWindow;
  private int consecutive;

  public FailureCounter(BreakerPolicy policy) {
    this.policy = policy;
    this.last = new boolean[policy.window()];
  }

  /**
   * Records one counted outcome.
   *
   * @return whether the breaker should open now
   */
  public boolean record(boolean failure) {
    if (recorded == last.length && last[next]) {
      failuresInWindow--;
    }
    last[next] = failure;
    next = (next + 1) % last.length;
    recorded = Math.min(recorded + 1, last.length);
    if (failure) {
      failuresInWindow++;
      consecutive++;
    } else {
      consecutive = 0;
    }
    return tripped();
  }

  public boolean tripped() {
    if (consecutive >= policy.consecutiveFailures()) {
      return true;
    }
    return policy.failureRatio() > 0 && recorded == last.length
        && failuresInWindow >= policy.failureRatio() * last.length - 1e-9;
  }

  /** Starts counting afresh (the breaker opened, or closed again). */
  public void reset() {
    java.util.Arrays.fill(last, false);
    next = 0;
    recorded = 0;
    failuresInWindow = 0;
    consecutive = 0;
  }

  public int consecutive() {
    return consecutive;
  }

  /** Failures among the last {@code window} recorded outcomes. */
  public int failuresInWindow() {
    return failuresInWindow;
  }
}
