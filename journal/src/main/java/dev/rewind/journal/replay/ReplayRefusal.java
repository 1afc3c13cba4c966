package dev.rewind.journal.replay;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a replay was refused before anything was delivered, as its Failed condition's reason and its message. The
 * store keeps one message column, so the reason travels in it as a {@code <Reason>: } prefix that
 * {@link #parse} takes off again; only {@link ReplayStatusView} reads it, so nobody sees the prefix.
 *
 * @param reason CamelCase, as a metav1.Condition reason
 * @param message for people: names the spec field and what is wrong with it
 */
public record ReplayRefusal(String reason, String message) {

  /** A Route the replay names is not among the routes of its namespace. */
  public static final String ROUTE_NOT_FOUND = "RouteNotFound";
  /** flowRef names no Flow of the namespace. */
  public static final String FLOW_NOT_FOUND = "FlowNotFound";
  /** flowRef's Flow cannot be evaluated (a hop's Route is missing, has no correlation id, or is not shared). */
  public static final String FLOW_NOT_READY = "FlowNotReady";
  /** override.retryPolicyRef names no RetryPolicy of the namespace. */
  public static final String RETRY_POLICY_NOT_FOUND = "RetryPolicyNotFound";
  /** A selector the API server let through cannot be resolved (e.g. since overflows, until not after since). */
  public static final String INVALID_SPEC = "InvalidSpec";
  /** More events matched than maxEvents; the store writes that message itself, with the count. */
  public static final String TOO_MANY_EVENTS = "TooManyEvents";
  /** A refusal recorded without a reason (by an older version). */
  public static final String REFUSED = "Refused";

  private static final Pattern STORED = Pattern.compile("^([A-Z][A-Za-z0-9]*): (.*)$", Pattern.DOTALL);

  public ReplayRefusal {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (!STORED.matcher(reason + ": ").matches()) {
      throw new IllegalArgumentException("a refusal reason is CamelCase, not " + reason);
    }
  }

  /** The text the store keeps in the replay's message column. */
  public String stored() {
    return reason + ": " + message;
  }

  /** The refusal a stored message holds; one without a reason prefix is {@link #REFUSED} with the whole text. */
  public static ReplayRefusal parse(String stored) {
    Matcher m = STORED.matcher(stored);
    return m.matches() ? new ReplayRefusal(m.group(1), m.group(2)) : new ReplayRefusal(REFUSED, stored);
  }
}
