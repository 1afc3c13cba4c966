package dev.rewind.api.v1alpha1.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.rewind.api.time.DurationLimits;
import dev.rewind.api.time.InstantOrAgo;
import dev.rewind.api.v1alpha1.Rewind;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference;
import dev.rewind.api.v1alpha1.replay.spec.ReplayOverride;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/**
 * Which events of the Replay's namespace to re-deliver, and how. Every selector narrows the set (they are ANDed);
 * a list selector matches any of its entries.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self == oldSelf",
    message = "spec is immutable: a Replay is a one-shot request; create a new Replay instead")
@ValidationRule(
    value = "(has(self.routeRef) ? 1 : 0) + (has(self.routes) ? 1 : 0) + (has(self.flowRef) ? 1 : 0) == 1",
    message = "set exactly one of routeRef, routes or flowRef")
@ValidationRule(
    value = "!has(self.flowRef) || !has(self.states)",
    message = "states cannot be set with flowRef: the Flow's verdict chooses the events (flowRef.state)",
    fieldPath = ".states")
// Compared only when both are timestamps or both durations: a timestamp against a duration depends on when the
// replay starts (TimeWindow checks it then). The field pattern admits only values timestamp() and duration()
// convert; the API server runs this rule even when a pattern failed, so it first checks both values match, and a
// malformed value gets the pattern's message alone, not one about a failed conversion. upperAscii() because RFC
// 3339 allows a lower-case t and z that Go's parser behind timestamp() refuses.
@ValidationRule(
    value = "!has(self.since) || !has(self.until)"
        + " || !self.since.matches('" + InstantOrAgo.PATTERN + "')"
        + " || !self.until.matches('" + InstantOrAgo.PATTERN + "')"
        + " || (self.since.upperAscii().contains('T') != self.until.upperAscii().contains('T'))"
        + " || (self.since.upperAscii().contains('T')"
        + " ? timestamp(self.until.upperAscii()) > timestamp(self.since.upperAscii())"
        + " : duration(self.until) < duration(self.since))",
    message = "until must be later than since",
    fieldPath = ".until")
public class ReplaySpec {

  /**
   * An RFC 3339 timestamp (2026-11-27T10:00:00Z) or a duration back from the start of the replay (2h), in the
   * grammars of {@link InstantOrAgo}.
   */
  public static final String INSTANT_OR_AGO_PATTERN = InstantOrAgo.PATTERN;

  /**
   * Matches one lastOutcome entry: any status code (1xx to 5xx), class or range, or a failure kind. Unlike
   * retryOn, a replay may select events whose last attempt succeeded.
   */
  public static final String LAST_OUTCOME_PATTERN =
      "^([1-5]xx|[1-5][0-9][0-9]|[1-5][0-9][0-9]-[1-5][0-9][0-9]|connect-failure|timeout|tls-failure)$";

  @JsonPropertyDescription("The Route (same namespace) whose events are replayed. Set one of routeRef, routes and"
      + " flowRef.")
  private LocalObjectReference routeRef;

  @Size(min = 1, max = 32)
  @JsonPropertyDescription("Several Routes (same namespace) whose events are replayed. Set one of routeRef, routes"
      + " and flowRef.")
  private List<@Pattern(Rewind.NAME_PATTERN) @Size(min = 1, max = 253) String> routes;

  @JsonPropertyDescription(
      "The orders a Flow (same namespace) finds broken or failed when the replay starts: for each, its event on"
          + " the hop where it stopped is sent again (the delivered one for a broken order, the dead one for a"
          + " failed order), so the dry run counts the Flow's stopped orders. Only hops whose Route is in this"
          + " namespace. The other selectors still narrow the set; states cannot be set with it. Set one of"
          + " routeRef, routes and flowRef.")
  private ReplayFlowReference flowRef;

  @Size(min = 1, max = 40)
  @Pattern(INSTANT_OR_AGO_PATTERN)
  @ValidationRule(value = DurationLimits.AGO_RULE, message = DurationLimits.SINCE_MESSAGE)
  @JsonPropertyDescription(
      "Only events captured at or after this instant: an RFC 3339 timestamp (2026-11-27T10:00:00Z; a real date"
          + " from year 1970 to 2999, an offset of at most 18 hours, lower-case t and z allowed) or a duration of at"
          + " most 87600h (10 years) before the replay starts (2h). Earlier than until. Default: no lower bound.")
  private String since;

  @Size(min = 1, max = 40)
  @Pattern(INSTANT_OR_AGO_PATTERN)
  @ValidationRule(value = DurationLimits.AGO_RULE, message = DurationLimits.UNTIL_MESSAGE)
  @JsonPropertyDescription(
      "Only events captured before this instant: an RFC 3339 timestamp (a real date from year 1970 to 2999, an"
          + " offset of at most 18 hours) or a duration of at most 87600h (10 years) before the replay starts (30m)."
          + " Later than since. Default: no upper bound.")
  private String until;

  // No schema default: with flowRef the Flow's verdict decides the states, and a defaulted value could not be told
  // from one the user set. ReplaySelection applies failed and dead when it is absent.
  @Size(min = 1, max = 5)
  @JsonPropertyDescription(
      "Event states to replay: pending, delivering, delivered, failed, dead. Not with flowRef. Default: failed and"
          + " dead.")
  private List<EventState> states;

  @Size(min = 1, max = 1000)
  @JsonPropertyDescription("Only these event ids (as delivered to the destination). Default: any.")
  private List<@Size(min = 1, max = 256) String> eventIds;

  @Size(min = 1, max = 1000)
  @JsonPropertyDescription("Only events with one of these correlation ids. Default: any.")
  private List<@Size(min = 1, max = 256) String> correlationIds;

  @Size(min = 1, max = 100)
  @JsonPropertyDescription("Only events of these types. Default: any.")
  private List<@Size(min = 1, max = 256) String> types;

  @Size(min = 1, max = 32)
  @JsonPropertyDescription(
      "Only events whose last attempt ended so: status codes (503), classes (5xx), ranges (500-504),"
          + " connect-failure, timeout, tls-failure. Default: any outcome, including none yet.")
  private List<@Pattern(LAST_OUTCOME_PATTERN) @Size(min = 3, max = 15) String> lastOutcome;

  @Size(min = 1, max = 253)
  @Pattern(Rewind.NAME_PATTERN)
  @JsonPropertyDescription("Only events sent by this workload (Deployment, StatefulSet, ...). Default: any.")
  private String senderWorkload;

  @JsonPropertyDescription("Destination and retry policy for the replay's attempts. Default: each event's own.")
  private ReplayOverride override;

  @Default("100")
  @Min(0)
  @Max(100000)
  @JsonPropertyDescription(
      "Most events started per second, to spare a destination that has just recovered; 0 means unlimited."
          + " Default: 100.")
  private Integer rateLimit;

  @Default("16")
  @Min(1)
  @Max(256)
  @JsonPropertyDescription("Most attempts in flight at once. Default: 16.")
  private Integer concurrency;

  @Default("10000")
  @Min(1)
  @Max(10000000)
  @JsonPropertyDescription(
      "Guardrail: a selection larger than this fails the replay, saying how many events matched; raise it to"
          + " replay more. Default: 10000.")
  private Integer maxEvents;

  @Default("false")
  @JsonPropertyDescription(
      "Only count the matching events and record a sample of their ids; deliver nothing. The Replay ends in"
          + " phase Previewed. Default: false.")
  private Boolean dryRun;

  public LocalObjectReference getRouteRef() {
    return routeRef;
  }

  public void setRouteRef(LocalObjectReference routeRef) {
    this.routeRef = routeRef;
  }

  public List<String> getRoutes() {
    return routes;
  }

  public void setRoutes(List<String> routes) {
    this.routes = routes;
  }

  public ReplayFlowReference getFlowRef() {
    return flowRef;
  }

  public void setFlowRef(ReplayFlowReference flowRef) {
    this.flowRef = flowRef;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }

  public String getUntil() {
    return until;
  }

  public void setUntil(String until) {
    this.until = until;
  }

  public List<EventState> getStates() {
    return states;
  }

  public void setStates(List<EventState> states) {
    this.states = states;
  }

  public List<String> getEventIds() {
    return eventIds;
  }

  public void setEventIds(List<String> eventIds) {
    this.eventIds = eventIds;
  }

  public List<String> getCorrelationIds() {
    return correlationIds;
  }

  public void setCorrelationIds(List<String> correlationIds) {
    this.correlationIds = correlationIds;
  }

  public List<String> getTypes() {
    return types;
  }

  public void setTypes(List<String> types) {
    this.types = types;
  }

  public List<String> getLastOutcome() {
    return lastOutcome;
  }

  public void setLastOutcome(List<String> lastOutcome) {
    this.lastOutcome = lastOutcome;
  }

  public String getSenderWorkload() {
    return senderWorkload;
  }

  public void setSenderWorkload(String senderWorkload) {
    this.senderWorkload = senderWorkload;
  }

  public ReplayOverride getOverride() {
    return override;
  }

  public void setOverride(ReplayOverride override) {
    this.override = override;
  }

  public Integer getRateLimit() {
    return rateLimit;
  }

  public void setRateLimit(Integer rateLimit) {
    this.rateLimit = rateLimit;
  }

  public Integer getConcurrency() {
    return concurrency;
  }

  public void setConcurrency(Integer concurrency) {
    this.concurrency = concurrency;
  }

  public Integer getMaxEvents() {
    return maxEvents;
  }

  public void setMaxEvents(Integer maxEvents) {
    this.maxEvents = maxEvents;
  }

  public Boolean getDryRun() {
    return dryRun;
  }

  public void setDryRun(Boolean dryRun) {
    this.dryRun = dryRun;
  }

  /**
   * The route names this replay names, whichever of routeRef and routes was used; none with flowRef, whose routes
   * are the Flow's hops.
   */
  public List<String> routeNames() {
    if (routeRef != null) {
      return List.of(routeRef.getName());
    }
    return routes == null ? List.of() : List.copyOf(routes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplaySpec s
        && Objects.equals(routeRef, s.routeRef)
        && Objects.equals(routes, s.routes)
        && Objects.equals(flowRef, s.flowRef)
        && Objects.equals(since, s.since)
        && Objects.equals(until, s.until)
        && Objects.equals(states, s.states)
        && Objects.equals(eventIds, s.eventIds)
        && Objects.equals(correlationIds, s.correlationIds)
        && Objects.equals(types, s.types)
        && Objects.equals(lastOutcome, s.lastOutcome)
        && Objects.equals(senderWorkload, s.senderWorkload)
        && Objects.equals(override, s.override)
        && Objects.equals(rateLimit, s.rateLimit)
        && Objects.equals(concurrency, s.concurrency)
        && Objects.equals(maxEvents, s.maxEvents)
        && Objects.equals(dryRun, s.dryRun);
  }

  @Override
  public int hashCode() {
    return Objects.hash(routeRef, routes, flowRef, since, until, states, eventIds, correlationIds, types, lastOutcome,
        senderWorkload, override, rateLimit, concurrency, maxEvents, dryRun);
  }
}
