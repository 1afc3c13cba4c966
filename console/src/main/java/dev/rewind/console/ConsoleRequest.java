package dev.rewind.console;

import java.util.List;
import java.util.Map;

/**
 * One console request: its method, the namespace and page of its path ({@code .../namespaces/NS/console/PAGE}),
 * its decoded query parameters.
 */
public record ConsoleRequest(String method, String namespace, String page, Map<String, List<String>> query) {

  public ConsoleRequest {
    query = Map.copyOf(query);
  }

  /** The parameter's first value, trimmed; null when absent or blank. */
  public String param(String name) {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isBlank()) {
      return null;
    }
    return values.get(0).trim();
  }
}
