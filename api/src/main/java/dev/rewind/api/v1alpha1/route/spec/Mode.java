package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the sidecar answers the application for a captured request. */
public enum Mode {
  /** Answer 202 as soon as the event is durably journaled, then deliver in the background. */
  @JsonProperty("storeAndForward")
  STORE_AND_FORWARD,
  /** Journal, forward, and return the destination's own answer; a failed forward is retried in the background. */
  @JsonProperty("passthrough")
  PASSTHROUGH
}
