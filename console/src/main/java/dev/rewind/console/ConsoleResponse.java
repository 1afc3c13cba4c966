package dev.rewind.console;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A console answer: status, headers (content type and the security headers included), body. */
public record ConsoleResponse(int status, Map<String, String> headers, byte[] body) {

  /**
   * Nothing but the console's own stylesheet loads: no script at all, no frame, forms only back to the console.
   * The pages need none of what this forbids, so injected markup that escaped escaping still could not run.
   */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self';"
      + " form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  static ConsoleResponse of(int status, String contentType, String body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType);
    headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    // Pages show live state and may hold captured data: never keep them in a shared cache.
    headers.put("Cache-Control", "no-store");
    if (status == 405) {
      headers.put("Allow", "GET, HEAD");
    }
    return new ConsoleResponse(status, Map.copyOf(headers), body.getBytes(StandardCharsets.UTF_8));
  }

  /** A 302 to a location relative to the request's. */
  static ConsoleResponse redirect(String location) {
    ConsoleResponse page = of(302, "text/plain; charset=utf-8", "");
    Map<String, String> headers = new LinkedHashMap<>(page.headers());
    headers.put("Location", location);
    return new ConsoleResponse(302, Map.copyOf(headers), page.body());
  }

  public String contentType() {
    return headers.get("Content-Type");
  }
}
