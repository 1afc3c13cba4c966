package dev.rewind.journal.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderTest {

  @Test
  void encodesValidJsonThatDecodesToTheSameHeaders() {
    List<Header> headers = List.of(
        new Header("Content-Type", "application/json"),
        new Header("X-Quote", "say \"hi\""),
        new Header("X-Backslash", "C:\\path\\to"),
        new Header("X-Control", "tab\there\u0001end"),
        new Header("X-Latin1", "caf\u00e9 \u00ff"),
        new Header("X-Empty", ""),
        new Header("X-Multi", "a"),
        new Header("X-Multi", "b"));

    String json = Header.toJson(headers);

    assertThat(new JsonArray(json).size()).isEqualTo(headers.size());
    assertThat(Header.fromJson(json)).containsExactlyElementsOf(headers);
  }

  @Test
  void noHeadersIsAnEmptyArray() {
    assertThat(Header.toJson(List.of())).isEqualTo("[]");
    assertThat(Header.fromJson("[]")).isEmpty();
  }
}
