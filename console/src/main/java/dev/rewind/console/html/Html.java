package dev.rewind.console.html;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes HTML with every piece of data escaped: markup goes in through {@link #raw} (constant text of the pages
 * only), data through {@link #text}, {@link #attr} and {@link #link}. Journaled bodies, headers, correlation ids
 * and query strings are whatever a sender or a visitor chose, so no page concatenates them into markup itself.
 */
public final class Html {

  private final StringBuilder out = new StringBuilder(4096);

  /** Escapes text for an element's content or a double- or single-quoted attribute value. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String r = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        // Control characters other than tab and newlines are not allowed in HTML text; show them, do not pass them.
        default -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? "\uFFFD" : null;
      };
      if (r != null && b == null) {
        b = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (b != null) {
        if (r != null) {
          b.append(r);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? text : b.toString();
  }

  /**
   * A relative link to {@code page} with these query parameters (null or empty values left out), percent-encoded.
   * Relative, so the page works under any prefix (kubectl proxy's, the aggregated API's, the CLI server's).
   */
  public static String href(String page, Map<String, String> params) {
    StringBuilder b = new StringBuilder(page);
    char sep = '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      if (p.getValue() == null || p.getValue().isEmpty()) {
        continue;
      }
      b.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
      sep = '&';
    }
    return b.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Constant markup of the page itself; never data. */
  public Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Data as text. */
  public Html text(String text) {
    out.append(escape(text));
    return this;
  }

  /** {@code <tag class="cls">text</tag>} with the text escaped; the tag and class are constants. */
  public Html el(String tag, String cls, String text) {
    out.append('<').append(tag);
    if (cls != null) {
      out.append(" class=\"").append(cls).append('"');
    }
    out.append('>').append(escape(text)).append("</").append(tag).append('>');
    return this;
  }

  /** {@code name="value"} with the value escaped, preceded by a space. */
  public Html attr(String name, String value) {
    out.append(' ').append(name).append("=\"").append(escape(value)).append('"');
    return this;
  }

  /** {@code <a href="...">text</a>}: the address from {@link #href}, escaped once more as an attribute. */
  public Html link(String href, String text) {
    out.append("<a href=\"").append(escape(href)).append("\">").append(escape(text)).append("</a>");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
