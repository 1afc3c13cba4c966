package dev.rewind.operator.query;

/**
 * A request the query API refuses, as the Kubernetes {@code Status} it answers with (see {@link StatusErrors}).
 *
 * @param code the HTTP status
 * @param reason the Status reason: BadRequest, NotFound, Forbidden, MethodNotAllowed, NotAcceptable,
 *     ServiceUnavailable, InternalError
 * @param name for NotFound and Forbidden: the object's name (Status details), else null
 * @param kind the Status details' kind (the resource), else null
 */
public final class QueryException extends RuntimeException {

  private final int code;
  private final String reason;
  private final String name;
  private final String kind;

  public QueryException(int code, String reason, String message, String name, String kind) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.name = name;
    this.kind = kind;
  }

  public static QueryException badRequest(String message) {
    return new QueryException(400, "BadRequest", message, null, null);
  }

  public static QueryException notFound(String resource, String name) {
    return new QueryException(404, "NotFound", resource + "." + ApiDiscovery.GROUP + " \"" + name + "\" not found",
        name, resource);
  }

  public static QueryException methodNotAllowed(String message) {
    return new QueryException(405, "MethodNotAllowed", message, null, null);
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public String name() {
    return name;
  }

  public String kind() {
    return kind;
  }
}
