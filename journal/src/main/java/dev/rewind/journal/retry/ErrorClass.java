package dev.rewind.journal.retry;

import java.util.Locale;

/** Why an attempt got no HTTP answer, or {@link #HTTP} when the answer itself was the failure. */
public enum ErrorClass {
  /** No complete response headers within the attempt timeout. */
  TIMEOUT,
  /** Connection refused, reset or closed before an answer. */
  CONNECT,
  /** The destination host name did not resolve. */
  DNS,
  /** TLS handshake or certificate failure. */
  TLS,
  /** An HTTP answer that is not a success. */
  HTTP,
  /** The destination resolved to an address the address policy refuses; never retried. */
  BLOCKED,
  /**
   * Rewind could not build the request from the route's configuration (a signing secret missing or malformed, a
   * destination URL that cannot be sent to); never retried, replayable once fixed.
   */
  CONFIG,
  /**
   * Rewind itself failed during the attempt (an unexpected exception, or the attempt overran its hard deadline).
   * Recorded so the event never sits unaccounted for; never retried, replayable.
   */
  INTERNAL,
  /**
   * The worker making the attempt stopped (killed, crashed, lost the store) before it recorded an outcome: the
   * request may or may not have reached the destination. Written when the attempt's lease runs out and the event
   * is claimed again; it counts against the policy's maxAttempts like any other attempt.
   */
  INTERRUPTED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
