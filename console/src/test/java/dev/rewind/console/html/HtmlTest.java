package dev.rewind.console.html;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void escapesTheFiveMarkupCharacters() {
    assertThat(Html.escape("<script>window.__x=1</script>"))
        .isEqualTo("&lt;script&gt;window.__x=1&lt;/script&gt;");
    assertThat(Html.escape("\"><img src=x onerror='alert(1)'>"))
        .isEqualTo("&quot;&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;");
    assertThat(Html.escape("a & b")).isEqualTo("a &amp; b");
  }

  @Test
  void leavesPlainTextAndNewlinesAloneAndReplacesOtherControlCharacters() {
    assertThat(Html.escape("ORD-1001 é ✓\n\tx")).isEqualTo("ORD-1001 é ✓\n\tx");
    assertThat(Html.escape("a\u0000b\u001bc")).isEqualTo("a\uFFFDb\uFFFDc");
    assertThat(Html.escape(null)).isEmpty();
  }

  @Test
  void textAndAttributesAreEscapedButRawMarkupIsNot() {
    String html = new Html().raw("<p").attr("title", "\" onmouseover=\"x").raw(">").text("<b>").raw("</p>")
        .toString();
    assertThat(html).isEqualTo("<p title=\"&quot; onmouseover=&quot;x\">&lt;b&gt;</p>");
  }

  @Test
  void linksAreRelativeWithEncodedParametersAndEmptyOnesLeftOut() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("route", "orders to billing");
    p.put("state", null);
    p.put("correlationId", "\"><x>&y=1");
    assertThat(Html.href("events", p)).isEqualTo("events?route=orders%20to%20billing"
        + "&correlationId=%22%3E%3Cx%3E%26y%3D1");
    assertThat(new Html().link(Html.href("trace", Map.of("id", "a&b")), "<id>").toString())
        .isEqualTo("<a href=\"trace?id=a%26b\">&lt;id&gt;</a>");
  }
}
