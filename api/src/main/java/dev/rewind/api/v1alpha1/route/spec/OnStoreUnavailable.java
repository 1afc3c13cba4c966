package dev.rewind.api.v1alpha1.route.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the sidecar does with a request when the journal store cannot be written. */
public enum OnStoreUnavailable {
  /** Fail closed: answer 503 with Retry-After so the sender keeps the event. */
  @JsonProperty("reject")
  REJECT,
  /** Fail open: forward without journaling; counted as uncaptured in the metrics. */
  @JsonProperty("forward")
  FORWARD
}
