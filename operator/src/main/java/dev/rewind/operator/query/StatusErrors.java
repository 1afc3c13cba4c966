package dev.rewind.operator.query;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Kubernetes {@code Status} objects (kind Status, apiVersion v1), the way every API server reports a failure. */
public final class StatusErrors {

  private StatusErrors() {}

  public static ObjectNode of(QueryException failure) {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", failure.getMessage()).put("reason", failure.reason());
    if (failure.name() != null || failure.kind() != null) {
      ObjectNode details = status.putObject("details");
      if (failure.name() != null) {
        details.put("name", failure.name());
      }
      details.put("group", ApiDiscovery.GROUP);
      if (failure.kind() != null) {
        details.put("kind", failure.kind());
      }
    }
    status.put("code", failure.code());
    return status;
  }

  /** A refusal by authorization: who, what verb, which resource, where. */
  public static QueryException forbidden(String user, String verb, String resource, String subresource,
      String namespace, String name, String reason) {
    String what = resource + "." + ApiDiscovery.GROUP;
    String message = (name == null ? what : what + " \"" + name + "\"") + " is forbidden: User \"" + user
        + "\" cannot " + verb + " resource \"" + resource + "\""
        + (subresource == null ? "" : " (subresource \"" + subresource + "\")")
        + " in API group \"" + ApiDiscovery.GROUP + "\" in the namespace \"" + namespace + "\""
        + (reason == null || reason.isBlank() ? "" : ": " + reason);
    return new QueryException(403, "Forbidden", message, name, resource);
  }

  public static QueryException unavailable(String message) {
    return new QueryException(503, "ServiceUnavailable", message, null, null);
  }

  public static QueryException internal(String message) {
    return new QueryException(500, "InternalError", message, null, null);
  }
}
