package dev.rewind.operator.query;

import dev.rewind.api.v1alpha1.common.EventState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Field selectors of event listings, in Kubernetes' grammar: terms separated by commas, each {@code field=value}
 * or {@code field==value}; a backslash escapes {@code \}, {@code ,} and {@code =} in values. Only equality is
 * supported: {@code !=} could not use the journal's indexes and is refused. Pure.
 */
public final class FieldSelectors {

  /** The fields that may be selected on, in the order the documentation lists them. */
  public static final List<String> FIELDS = List.of("spec.route", "status.state", "status.lastOutcome",
      "spec.correlationId", "spec.type", "spec.sender.workload", "metadata.name", "metadata.namespace");

  private FieldSelectors() {}

  /** The filter of {@code selector}; null or empty selects everything. */
  public static EventFilter parse(String selector) {
    Map<String, String> terms = terms(selector);
    String state = terms.get("status.state");
    String name = terms.get("metadata.name");
    return new EventFilter(terms.get("spec.route"), state == null ? null : state(state),
        terms.get("status.lastOutcome"), terms.get("spec.correlationId"), terms.get("spec.type"),
        terms.get("spec.sender.workload"), name == null ? null : uuid(name), terms.get("metadata.namespace"));
  }

  /**
   * The canonical form of a selector (terms sorted, one operator), so that the same filter written twice alike
   * hashes alike in a continue token.
   */
  public static String canonical(String selector) {
    return new TreeMap<>(terms(selector)).entrySet().stream()
        .map(e -> e.getKey() + "=" + escape(e.getValue())).collect(Collectors.joining(","));
  }

  /** Each field's value, in order of appearance; checked: known fields, equality only, each field once. */
  static Map<String, String> terms(String selector) {
    Map<String, String> terms = new LinkedHashMap<>();
    if (selector == null || selector.isEmpty()) {
      return terms;
    }
    for (String term : split(selector)) {
      if (term.isEmpty()) {
        continue;
      }
      int operator = unescapedIndexOf(term, '=');
      int bang = unescapedIndexOf(term, '!');
      if (bang >= 0 && bang + 1 == operator) {
        String field = term.substring(0, bang).trim();
        throw QueryException.badRequest("fieldSelector: operator != is not supported (" + field
            + "); select with = or == only");
      }
      if (operator <= 0) {
        throw QueryException.badRequest("fieldSelector: \"" + term + "\" is not a term field=value or"
            + " field==value");
      }
      String field = term.substring(0, operator).trim();
      String rest = term.substring(operator + 1);
      if (rest.startsWith("=")) {
        rest = rest.substring(1);
      }
      if (!FIELDS.contains(field)) {
        throw QueryException.badRequest("fieldSelector: field \"" + field + "\" is not supported for events."
            + ApiDiscovery.GROUP + "; supported fields: " + String.join(", ", FIELDS));
      }
      String value = unescape(rest, field);
      if (terms.containsKey(field)) {
        throw QueryException.badRequest("fieldSelector: field \"" + field + "\" is selected more than once");
      }
      terms.put(field, value);
    }
    return terms;
  }

  private static EventState state(String value) {
    for (EventState state : EventState.values()) {
      if (state.wireName().equals(value)) {
        return state;
      }
    }
    throw QueryException.badRequest("fieldSelector: status.state \"" + value + "\" is none of "
        + Arrays.stream(EventState.values()).map(EventState::wireName).collect(Collectors.joining(", ")));
  }

  private static UUID uuid(String value) {
    try {
      UUID id = UUID.fromString(value);
      if (id.toString().equals(value.toLowerCase(java.util.Locale.ROOT))) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw QueryException.badRequest("fieldSelector: metadata.name \"" + value
        + "\" is not a Rewind event id (a UUID)");
  }

  private static List<String> split(String selector) {
    List<String> terms = new ArrayList<>();
    StringBuilder term = new StringBuilder();
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '\\' && i + 1 < selector.length()) {
        term.append(c).append(selector.charAt(++i));
      } else if (c == ',') {
        terms.add(term.toString());
        term.setLength(0);
      } else {
        term.append(c);
      }
    }
    terms.add(term.toString());
    return terms;
  }

  private static int unescapedIndexOf(String term, char wanted) {
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static String unescape(String value, String field) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        if (i + 1 >= value.length() || "\\,=".indexOf(value.charAt(i + 1)) < 0) {
          throw QueryException.badRequest("fieldSelector: the value of " + field
              + " has an invalid escape (only \\\\, \\, and \\= are allowed)");
        }
        out.append(value.charAt(++i));
      } else if (c == '=' || c == '!') {
        throw QueryException.badRequest("fieldSelector: the value of " + field + " holds an unescaped " + c);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
  }
}
