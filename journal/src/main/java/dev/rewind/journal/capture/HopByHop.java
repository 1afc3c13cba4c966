package dev.rewind.journal.capture;

import dev.rewind.journal.store.Header;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message: they are dropped at capture,
 * together with any header the Connection header names, and never replayed.
 */
public final class HopByHop {

  private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

  private HopByHop() {}

  public static List<Header> strip(List<Header> headers) {
    Set<String> named = new HashSet<>();
    for (Header h : headers) {
      if (h.is("connection")) {
        for (String token : h.value().split(",")) {
          named.add(token.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    List<Header> kept = new ArrayList<>(headers.size());
    for (Header h : headers) {
      String name = h.name().toLowerCase(Locale.ROOT);
      if (!ALWAYS.contains(name) && !named.contains(name)) {
        kept.add(h);
      }
    }
    return kept;
  }

  public static boolean is(String name) {
    return ALWAYS.contains(name.toLowerCase(Locale.ROOT));
  }
}
