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
  /** Rewind could not build the request (a signing secret is missing); never retried, replayable once fixed. */
  CONFIG;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
