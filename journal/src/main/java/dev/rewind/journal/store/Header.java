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

  /**
   * Encodes as a JSON array of [name, value] pairs, the journal's headers column. Written by hand because it runs
   * for every captured event and every attempt, and a general-purpose mapper costs several times more here.
   */
  public static String toJson(List<Header> headers) {
    StringBuilder json = new StringBuilder(headers.size() * 48 + 2).append('[');
    for (int i = 0; i < headers.size(); i++) {
      Header h = headers.get(i);
      json.append(i == 0 ? "[" : ",[");
      quote(json, h.name());
      json.append(',');
      quote(json, h.value());
      json.append(']');
    }
    return json.append(']').toString();
  }

  private static void quote(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
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
