package dev.rewind.api.v1alpha1.route;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A Route's delivery health as the operator's leader last read it from the journal store: it covers every sidecar
 * of the namespace and the operator's own takeover and replay deliveries.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteDelivery {

  @JsonPropertyDescription("Events still being tried: pending + delivering + failed.")
  private Long backlog;

  @JsonPropertyDescription("Events journaled and not yet attempted (or given back for another attempt).")
  private Long pending;

  @JsonPropertyDescription("Events with an attempt under way.")
  private Long delivering;

  @JsonPropertyDescription("Events whose last attempt failed, with another attempt scheduled.")
  private Long failed;

  @JsonPropertyDescription("Events the retry policy gave up on. They stay until a Replay re-delivers them or"
      + " retention deletes them.")
  private Long dead;

  @JsonPropertyDescription("When the oldest event still being tried was received (RFC 3339); unset without a"
      + " backlog.")
  private String oldestUndeliveredTime;

  @JsonPropertyDescription("Events delivered in the last window (live, retried, taken over or replayed).")
  private Long deliveredRecently;

  @JsonPropertyDescription("The window deliveredRecently counts over, e.g. 1m.")
  private String window;

  @JsonPropertyDescription("Whether the latest attempt to the destination failed with nothing delivered since.")
  private Boolean destinationFailing;

  @JsonPropertyDescription("The latest failed attempt among the events still being tried and the dead ones.")
  private LastFailure lastFailure;

  @JsonPropertyDescription("The destination's circuit breaker, while it is not closed or its deliveries are held;"
      + " unset otherwise.")
  private Circuit circuit;

  @JsonPropertyDescription("Events held, not attempted, while the circuit is open or the destination is held: the"
      + " backlog then. Unset otherwise.")
  private Long held;

  /** The circuit of a route's destination (shared by every route to the same scheme://host:port). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Circuit {

    @JsonPropertyDescription("paused (the route's spec.paused), held (by the operator: see holdReason), open,"
        + " half_open (being probed) or draining (held events going out at the breaker's drainRate).")
    private String state;

    @JsonPropertyDescription("Since when (RFC 3339): when it was paused, held, or opened.")
    private String since;

    @JsonPropertyDescription("Why the destination is held whatever its breaker's state, e.g. no ready endpoints for"
        + " Service shop/service-b.")
    private String holdReason;

    public Circuit() {}

    public Circuit(String state, String since, String holdReason) {
      this.state = state;
      this.since = since;
      this.holdReason = holdReason;
    }

    public String getState() {
      return state;
    }

    public void setState(String state) {
      this.state = state;
    }

    public String getSince() {
      return since;
    }

    public void setSince(String since) {
      this.since = since;
    }

    public String getHoldReason() {
      return holdReason;
    }

    public void setHoldReason(String holdReason) {
      this.holdReason = holdReason;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Circuit c && Objects.equals(state, c.state) && Objects.equals(since, c.since)
          && Objects.equals(holdReason, c.holdReason);
    }

    @Override
    public int hashCode() {
      return Objects.hash(state, since, holdReason);
    }
  }

  /** The latest failed attempt of a route. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class LastFailure {

    @JsonPropertyDescription("What happened: timeout, connect-failure, dns-failure, tls-failure, blocked,"
        + " config-error, or the HTTP status code.")
    private String outcome;

    @JsonPropertyDescription("The HTTP status code, when the destination answered.")
    private Integer statusCode;

    @JsonPropertyDescription("When the attempt was made (RFC 3339).")
    private String time;

    public LastFailure() {}

    public LastFailure(String outcome, Integer statusCode, String time) {
      this.outcome = outcome;
      this.statusCode = statusCode;
      this.time = time;
    }

    public String getOutcome() {
      return outcome;
    }

    public void setOutcome(String outcome) {
      this.outcome = outcome;
    }

    public Integer getStatusCode() {
      return statusCode;
    }

    public void setStatusCode(Integer statusCode) {
      this.statusCode = statusCode;
    }

    public String getTime() {
      return time;
    }

    public void setTime(String time) {
      this.time = time;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LastFailure f && Objects.equals(outcome, f.outcome)
          && Objects.equals(statusCode, f.statusCode) && Objects.equals(time, f.time);
    }

    @Override
    public int hashCode() {
      return Objects.hash(outcome, statusCode, time);
    }
  }

  public Long getBacklog() {
    return backlog;
  }

  public void setBacklog(Long backlog) {
    this.backlog = backlog;
  }

  public Long getPending() {
    return pending;
  }

  public void setPending(Long pending) {
    this.pending = pending;
  }

  public Long getDelivering() {
    return delivering;
  }

  public void setDelivering(Long delivering) {
    this.delivering = delivering;
  }

  public Long getFailed() {
    return failed;
  }

  public void setFailed(Long failed) {
    this.failed = failed;
  }

  public Long getDead() {
    return dead;
  }

  public void setDead(Long dead) {
    this.dead = dead;
  }

  public String getOldestUndeliveredTime() {
    return oldestUndeliveredTime;
  }

  public void setOldestUndeliveredTime(String oldestUndeliveredTime) {
    this.oldestUndeliveredTime = oldestUndeliveredTime;
  }

  public Long getDeliveredRecently() {
    return deliveredRecently;
  }

  public void setDeliveredRecently(Long deliveredRecently) {
    this.deliveredRecently = deliveredRecently;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public Boolean getDestinationFailing() {
    return destinationFailing;
  }

  public void setDestinationFailing(Boolean destinationFailing) {
    this.destinationFailing = destinationFailing;
  }

  public LastFailure getLastFailure() {
    return lastFailure;
  }

  public void setLastFailure(LastFailure lastFailure) {
    this.lastFailure = lastFailure;
  }

  public Circuit getCircuit() {
    return circuit;
  }

  public void setCircuit(Circuit circuit) {
    this.circuit = circuit;
  }

  public Long getHeld() {
    return held;
  }

  public void setHeld(Long held) {
    this.held = held;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteDelivery d && Objects.equals(backlog, d.backlog) && Objects.equals(pending, d.pending)
        && Objects.equals(delivering, d.delivering) && Objects.equals(failed, d.failed)
        && Objects.equals(dead, d.dead) && Objects.equals(oldestUndeliveredTime, d.oldestUndeliveredTime)
        && Objects.equals(deliveredRecently, d.deliveredRecently) && Objects.equals(window, d.window)
        && Objects.equals(destinationFailing, d.destinationFailing) && Objects.equals(lastFailure, d.lastFailure)
        && Objects.equals(circuit, d.circuit) && Objects.equals(held, d.held);
  }

  @Override
  public int hashCode() {
    return Objects.hash(backlog, pending, delivering, failed, dead, oldestUndeliveredTime, deliveredRecently, window,
        destinationFailing, lastFailure, circuit, held);
  }
}
