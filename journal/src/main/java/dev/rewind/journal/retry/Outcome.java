package dev.rewind.journal.retry;

import java.time.Duration;

/**
 * How one attempt ended: a status code, a broker's acknowledgement, or a failure before any answer.
 *
 * @param retryAfter what a Retry-After header asked for, when the answer carried one
 */
public record Outcome(Integer statusCode, ErrorClass errorClass, Duration retryAfter) {

  public static final String DELIVERED = "delivered";

  public static Outcome status(int code) {
    return new Outcome(code, code >= 200 && code < 300 ? null : ErrorClass.HTTP, null);
  }

  public static Outcome status(int code, Duration retryAfter) {
    return new Outcome(code, code >= 200 && code < 300 ? null : ErrorClass.HTTP, retryAfter);
  }

  /** A destination without status codes (a Kafka broker) acknowledged the event. */
  public static Outcome acknowledged() {
    return new Outcome(null, null, null);
  }

  public static Outcome failure(ErrorClass errorClass) {
    return new Outcome(null, errorClass, null);
  }

  /**
   * Only 2xx is success: redirects are not followed, so a 3xx means the event did not arrive. An outcome with
   * neither status code nor error class is a broker's acknowledgement ({@link #acknowledged}).
   */
  public boolean delivered() {
    return statusCode != null ? statusCode >= 200 && statusCode < 300 : errorClass == null;
  }

  /**
   * The outcome as retryOn and a replay's lastOutcome name it: delivered, the status code, timeout,
   * connect-failure (DNS included: a name that does not resolve yet, during a rollout, is transient),
   * tls-failure, or blocked-destination, config-error, internal-error and interrupted (which no retryOn pattern
   * selects).
   */
  public String token() {
    if (delivered()) {
      return DELIVERED;
    }
    if (statusCode != null) {
      return Integer.toString(statusCode);
    }
    return switch (errorClass) {
      case TIMEOUT -> "timeout";
      case CONNECT, DNS -> "connect-failure";
      case TLS -> "tls-failure";
      case BLOCKED -> "blocked-destination";
      case CONFIG -> "config-error";
      case INTERNAL -> "internal-error";
      case INTERRUPTED -> "interrupted";
      case HTTP -> throw new IllegalStateException("an HTTP failure has a status code");
    };
  }
}
