package dev.rewind.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.v1alpha1.Rewind;
import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.common.ValueSource;
import dev.rewind.api.v1alpha1.route.spec.Destination;
import dev.rewind.api.v1alpha1.route.spec.Match;
import dev.rewind.api.v1alpha1.route.spec.Mode;
import dev.rewind.api.v1alpha1.route.spec.OnStoreUnavailable;
import dev.rewind.api.v1alpha1.route.spec.Signing;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/** The desired behaviour of a Route. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = RouteSpec.KAFKA_NOT_PASSTHROUGH_RULE, message = RouteSpec.KAFKA_NOT_PASSTHROUGH_MESSAGE,
    fieldPath = ".mode")
@ValidationRule(value = RouteSpec.KAFKA_NOT_SIGNED_RULE, message = RouteSpec.KAFKA_NOT_SIGNED_MESSAGE,
    fieldPath = ".signing")
public class RouteSpec {

  public static final String KAFKA_NOT_PASSTHROUGH_RULE = "!has(self.destination) || !has(self.destination.kafka)"
      + " || !has(self.mode) || self.mode != 'passthrough'";
  public static final String KAFKA_NOT_PASSTHROUGH_MESSAGE = "mode passthrough needs destination.url: a Kafka"
      + " topic has no answer to pass back to the sender";
  public static final String KAFKA_NOT_SIGNED_RULE = "!has(self.destination) || !has(self.destination.kafka)"
      + " || !has(self.signing)";
  public static final String KAFKA_NOT_SIGNED_MESSAGE = "signing applies to destination.url only: Kafka records"
      + " carry the Rewind-Event-Id header, not a webhook signature";

  @Required
  @JsonPropertyDescription("Where captured events are delivered: an HTTP URL or a Kafka topic.")
  private Destination destination;

  @JsonPropertyDescription(
      "Requests the sidecar's HTTP forward proxy captures for this Route (applications with HTTP_PROXY set)."
          + " Without it the Route is reachable only by explicit capture: POST /v1/routes/{name}[/suffix].")
  private Match match;

  @Default("storeAndForward")
  @JsonPropertyDescription(
      "storeAndForward answers 202 once the event is durably journaled and delivers it in the background;"
          + " passthrough journals, forwards and returns the destination's own answer. Default: storeAndForward.")
  private Mode mode;

  @JsonPropertyDescription(
      "RetryPolicy (same namespace) governing delivery attempts. Default: none, which means one attempt and no"
          + " retries; failed events are kept as dead and can be replayed.")
  private LocalObjectReference retryPolicyRef;

  @JsonPropertyDescription(
      "Where the event id comes from. Default: the CloudEvents id (ce-id header in binary mode, id in a"
          + " structured application/cloudevents+json body) when present, else a generated UUID. The id is kept"
          + " on every attempt and replay so idempotent consumers can deduplicate.")
  private ValueSource eventId;

  @JsonPropertyDescription(
      "Where the correlation id (for example an order number) comes from, for tracing and replay selection."
          + " Default: none.")
  private ValueSource correlationId;

  @JsonPropertyDescription(
      "Where the event type comes from. Default: the CloudEvents type (ce-type header, or type in a structured"
          + " body) when present, else none.")
  private ValueSource eventType;

  @JsonPropertyDescription("Sign every attempt per Standard Webhooks. Default: unsigned.")
  private Signing signing;

  @Default("reject")
  @JsonPropertyDescription(
      "What to do when the journal store cannot be written: reject answers 503 with Retry-After (the sender"
          + " keeps the event); forward delivers without journaling and counts the event as uncaptured."
          + " Default: reject.")
  private OnStoreUnavailable onStoreUnavailable;

  @Size(max = 32)
  @JsonPropertyDescription(
      "Names of the workloads (Deployment, StatefulSet, ...) whose sidecars serve this Route. Default: every"
          + " captured workload in the namespace.")
  private List<@Pattern(Rewind.NAME_PATTERN) @Size(min = 1, max = 253) String> workloads;

  @JsonPropertyDescription(
      "true stops delivery on purpose: events are still journaled (and acknowledged) but held, no attempt is made"
          + " and no retry budget spent; false or absent delivers them again, oldest first. maxAge still applies"
          + " to held events. Default: false.")
  private Boolean paused;

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public Destination getDestination() {
    return destination;
  }

  public void setDestination(Destination destination) {
    this.destination = destination;
  }

  public Match getMatch() {
    return match;
  }

  public void setMatch(Match match) {
    this.match = match;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public LocalObjectReference getRetryPolicyRef() {
    return retryPolicyRef;
  }

  public void setRetryPolicyRef(LocalObjectReference retryPolicyRef) {
    this.retryPolicyRef = retryPolicyRef;
  }

  public ValueSource getEventId() {
    return eventId;
  }

  public void setEventId(ValueSource eventId) {
    this.eventId = eventId;
  }

  public ValueSource getCorrelationId() {
    return correlationId;
  }

  public void setCorrelationId(ValueSource correlationId) {
    this.correlationId = correlationId;
  }

  public ValueSource getEventType() {
    return eventType;
  }

  public void setEventType(ValueSource eventType) {
    this.eventType = eventType;
  }

  public Signing getSigning() {
    return signing;
  }

  public void setSigning(Signing signing) {
    this.signing = signing;
  }

  public OnStoreUnavailable getOnStoreUnavailable() {
    return onStoreUnavailable;
  }

  public void setOnStoreUnavailable(OnStoreUnavailable onStoreUnavailable) {
    this.onStoreUnavailable = onStoreUnavailable;
  }

  public List<String> getWorkloads() {
    return workloads;
  }

  public void setWorkloads(List<String> workloads) {
    this.workloads = workloads;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteSpec s
        && Objects.equals(destination, s.destination)
        && Objects.equals(match, s.match)
        && mode == s.mode
        && Objects.equals(retryPolicyRef, s.retryPolicyRef)
        && Objects.equals(eventId, s.eventId)
        && Objects.equals(correlationId, s.correlationId)
        && Objects.equals(eventType, s.eventType)
        && Objects.equals(signing, s.signing)
        && onStoreUnavailable == s.onStoreUnavailable
        && Objects.equals(workloads, s.workloads)
        && Objects.equals(paused, s.paused);
  }

  @Override
  public int hashCode() {
    return Objects.hash(destination, match, mode, retryPolicyRef, eventId, correlationId, eventType, signing,
        onStoreUnavailable, workloads, paused);
  }
}
