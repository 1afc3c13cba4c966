package dev.rewind.journal.capture;

import java.net.URI;

/**
 * Where a captured request goes: the route's destination URL joined with the capture suffix, the part of the
 * request path after the route's prefix ({@code /v1/routes/{route}} for explicit capture, {@code match.pathPrefix}
 * for proxy capture), with the request's query string appended. The same rule for both ways in, like a gateway's
 * strip-prefix: destination {@code http://b/orders} + suffix {@code 42/lines} = {@code http://b/orders/42/lines}.
 * A Kafka destination ({@code kafka://servers/topic}) is returned as it is.
 */
public final class Urls {

  private Urls() {}

  /** @throws IllegalArgumentException when the suffix climbs out of the destination path with ".." */
  public static String join(String destination, String suffix, String query) {
    if (destination.startsWith("kafka://")) {
      // A Kafka destination is a topic, not a path: nothing is appended (the suffix stays on the event).
      return destination;
    }
    URI d = URI.create(destination);
    String base = d.getRawPath() == null ? "" : d.getRawPath();
    String s = suffix == null ? "" : suffix;
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    for (String segment : s.split("/")) {
      if (segment.equals("..") || segment.equalsIgnoreCase("%2e%2e")) {
        throw new IllegalArgumentException("path suffix \"" + suffix + "\" may not contain '..' segments");
      }
    }
    String path;
    if (s.isEmpty()) {
      path = base.isEmpty() ? "/" : base;
    } else {
      path = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/" + s;
    }
    String q = d.getRawQuery();
    if (query != null && !query.isEmpty()) {
      q = q == null || q.isEmpty() ? query : q + "&" + query;
    }
    return d.getScheme() + "://" + d.getRawAuthority() + path + (q == null || q.isEmpty() ? "" : "?" + q);
  }
}
