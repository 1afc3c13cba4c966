package dev.rewind.operator.query;

import dev.rewind.api.time.InstantOrAgo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The query parameters of a request, checked: the ones kubectl and client-go send are accepted (most of them
 * ignored: there is no watch and no resource version), anything else is refused naming the parameter. Pure.
 */
public final class ListParameters {

  public static final int DEFAULT_LIMIT = 500;
  public static final int MOST_LIMIT = 1000;

  /** What kubectl and client-go may send with any request; accepted and (but for pretty and includeObject) unused. */
  static final Set<String> STANDARD = Set.of("limit", "continue", "fieldSelector", "labelSelector",
      "resourceVersion", "resourceVersionMatch", "timeoutSeconds", "watch", "allowWatchBookmarks", "pretty",
      "includeObject", "as", "sendInitialEvents");
  static final Set<String> LIST = Set.of("since", "until");
  static final Set<String> GET = Set.of("resourceVersion", "pretty", "includeObject", "as");

  /** What the rows of a Table carry: nothing, PartialObjectMetadata (kubectl's default) or the whole object. */
  public enum IncludeObject { NONE, METADATA, OBJECT }

  /**
   * A listing: its filter, time window, page size and where it continues.
   *
   * @param after null for the first page
   * @param filters what a continue token is bound to
   */
  public record ListRequest(EventFilter filter, Instant since, Instant until, int limit, UUID after, String filters,
      IncludeObject includeObject) {}

  private ListParameters() {}

  /** A listing's parameters; durations in since and until count back from {@code now}. */
  public static ListRequest list(Map<String, List<String>> query, Instant now) {
    for (String name : query.keySet()) {
      if (!STANDARD.contains(name) && !LIST.contains(name)) {
        throw unknown(name, "since, until and the standard list parameters");
      }
    }
    checkSingle(query);
    checkWatch(query);
    checkLabelSelector(query);
    IncludeObject include = includeObject(query);
    String selector = first(query, "fieldSelector");
    EventFilter filter = FieldSelectors.parse(selector);
    int limit = limit(first(query, "limit"));
    String sinceText = blankToNull(first(query, "since"));
    String untilText = blankToNull(first(query, "until"));
    String filters = ContinueTokens.filters(FieldSelectors.canonical(selector), sinceText, untilText);
    String token = blankToNull(first(query, "continue"));
    if (token != null) {
      ContinueTokens.Position position = ContinueTokens.decode(token, filters);
      return new ListRequest(filter, position.since(), position.until(), limit, position.after(), filters, include);
    }
    return new ListRequest(filter, instant("since", sinceText, now), instant("until", untilText, now), limit, null,
        filters, include);
  }

  /**
   * A get's parameters (of an event, its body or an order).
   *
   * @param extra parameters this resource takes on top of the standard ones (an order's flow)
   */
  public static IncludeObject get(Map<String, List<String>> query, Set<String> extra) {
    for (String name : query.keySet()) {
      if (!GET.contains(name) && !extra.contains(name)) {
        throw unknown(name, extra.isEmpty() ? "resourceVersion, pretty and includeObject"
            : String.join(", ", extra) + ", resourceVersion, pretty and includeObject");
      }
    }
    checkSingle(query);
    return includeObject(query);
  }

  static int limit(String text) {
    if (text == null || text.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    long limit;
    try {
      limit = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw QueryException.badRequest("limit: \"" + text + "\" is not a number; give 1 to " + MOST_LIMIT);
    }
    if (limit < 1 || limit > MOST_LIMIT) {
      throw QueryException.badRequest("limit: " + text + " is out of range; give 1 to " + MOST_LIMIT
          + " and follow metadata.continue for more");
    }
    return (int) limit;
  }

  private static Instant instant(String name, String text, Instant now) {
    try {
      return InstantOrAgo.resolve(text, now);
    } catch (RuntimeException e) {
      throw QueryException.badRequest(name + ": " + e.getMessage());
    }
  }

  private static void checkSingle(Map<String, List<String>> query) {
    query.forEach((name, values) -> {
      if (values.size() > 1) {
        throw QueryException.badRequest(name + ": given " + values.size() + " times; give it once");
      }
    });
  }

  private static void checkWatch(Map<String, List<String>> query) {
    String watch = first(query, "watch");
    if (watch != null && !watch.isEmpty() && !watch.equals("false") && !watch.equals("0")) {
      throw QueryException.methodNotAllowed("watch: events." + ApiDiscovery.GROUP
          + " cannot be watched; list them (with since to see recent ones)");
    }
  }

  private static void checkLabelSelector(Map<String, List<String>> query) {
    String labels = first(query, "labelSelector");
    if (labels != null && !labels.isEmpty()) {
      throw QueryException.badRequest("labelSelector: journaled events have no labels; select them with"
          + " fieldSelector (" + String.join(", ", FieldSelectors.FIELDS) + ")");
    }
  }

  private static IncludeObject includeObject(Map<String, List<String>> query) {
    String value = first(query, "includeObject");
    if (value == null || value.isEmpty() || value.equals("Metadata")) {
      return IncludeObject.METADATA;
    }
    return switch (value) {
      case "None" -> IncludeObject.NONE;
      case "Object" -> IncludeObject.OBJECT;
      default -> throw QueryException.badRequest("includeObject: \"" + value
          + "\" is none of None, Metadata, Object");
    };
  }

  private static QueryException unknown(String name, String known) {
    return QueryException.badRequest("unknown query parameter \"" + name + "\"; this resource takes " + known);
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
