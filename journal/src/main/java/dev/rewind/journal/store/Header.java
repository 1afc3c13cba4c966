package dev.rewind.journal.store;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One HTTP header line as received: the name's case and the order of repeated headers are kept. */
public record Header(String name, String value) {

  public boolean is(String other) {
    return name.equalsIgnoreCase(other);
  }

  /** Encodes as a JSON array of [name, value] pairs, the journal's headers column. */
  public static String toJson(List<Header> headers) {
    JsonArray array = new JsonArray();
    for (Header h : headers) {
      array.add(new JsonArray().add(h.name()).add(h.value()));
    }
    return array.encode();
  }

  public static List<Header> fromJson(Object json) {
    if (json == null) {
      return List.of();
    }
    JsonArray array = json instanceof JsonArray a ? a : new JsonArray(json.toString());
    List<Header> headers = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonArray pair = array.getJsonArray(i);
      headers.add(new Header(pair.getString(0), pair.getString(1)));
    }
    return headers;
  }

  /** The first value of a header, case-insensitively, or null. */
  public static String first(List<Header> headers, String name) {
    for (Header h : headers) {
      if (h.is(name)) {
        return h.value();
      }
    }
    return null;
  }

  public static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
