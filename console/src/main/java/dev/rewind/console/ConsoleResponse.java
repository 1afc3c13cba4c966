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

  /**
   * A page that sends the browser on to {@code location} (relative): a meta refresh and a link, not a 3xx, because
   * kube-apiserver's aggregator answers 502 for a redirect from an aggregated API server.
   */
  static ConsoleResponse forward(String location) {
    String href = dev.rewind.console.html.Html.escape(location);
    return of(200, "text/html; charset=utf-8", "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta http-equiv=\"refresh\" content=\"0; url=" + href + "\"><title>Rewind</title></head><body>"
        + "<p><a id=\"forward\" href=\"" + href + "\">Open the console</a></p></body></html>");
  }

  public String contentType() {
    return headers.get("Content-Type");
  }
}
