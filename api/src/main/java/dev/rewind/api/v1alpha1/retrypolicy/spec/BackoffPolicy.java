package dev.rewind.api.v1alpha1.retrypolicy.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the delay between attempts grows. For retry n (n = 1 after the first failed attempt), before the cap: */
public enum BackoffPolicy {
  /** initialDelay × multiplier^(n−1). */
  @JsonProperty("exponential")
  EXPONENTIAL,
  /** initialDelay × n. */
  @JsonProperty("linear")
  LINEAR,
  /** initialDelay. */
  @JsonProperty("fixed")
  FIXED
}
