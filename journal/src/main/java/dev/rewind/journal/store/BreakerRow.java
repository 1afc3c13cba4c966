package dev.rewind.journal.store;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;

/**
 * A destination's circuit breaker as stored ({@code rewind.breakers}), read together with the store's clock so a
 * worker can tell how long ago something happened without trusting its own clock.
 *
 * @param state closed, open, half_open or draining
 * @param holdReason set by another writer (the operator) to hold the destination whatever the state
 * @param storeNow the store's {@code now()} when the row was read
 */
public record BreakerRow(String destination, String state, Instant openedAt, long openForMs, String probeOwner,
    Instant probeUntil, String openedBy, String lastFailure, String holdReason, Instant storeNow) {

  /**
   * The breaker's key for a destination URL: {@code scheme://host:port}, lower-cased, the port explicit; every
   * route to the same server shares it. A Kafka destination's key is its bootstrap list ({@code kafka://a:9092,
   * b:9092}): every topic of the cluster shares it. A URL that does not parse is its own key.
   */
  public static String destinationOf(String url) {
    try {
      URI u = URI.create(url);
      String scheme = u.getScheme() == null ? "http" : u.getScheme().toLowerCase(Locale.ROOT);
      if (u.getHost() == null && u.getRawAuthority() != null) {
        // A server list (kafka://a:9092,b:9092/topic): the cluster is the list as written, without a port added.
        return scheme + "://" + u.getRawAuthority().toLowerCase(Locale.ROOT);
      }
      int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
      String host = u.getHost() == null ? String.valueOf(u.getAuthority()) : u.getHost().toLowerCase(Locale.ROOT);
      return scheme + "://" + host + ":" + port;
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  public static BreakerRow closed(String destination) {
    return new BreakerRow(destination, "closed", null, 0, null, null, null, null, null, null);
  }
}
