package dev.rewind.sidecar.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodLabelsTest {

  @Test
  void readsTheDownwardApiFormat() {
    PodLabels.Parsed parsed = PodLabels.parse("""
        app.kubernetes.io/name="orders"
        pod-template-hash="7d9f6c5b8"
        rewind.dev/injected="true"
        """);

    assertThat(parsed.labels()).containsExactly(Map.entry("app.kubernetes.io/name", "orders"),
        Map.entry("pod-template-hash", "7d9f6c5b8"), Map.entry("rewind.dev/injected", "true"));
    assertThat(parsed.problems()).isEmpty();
  }

  @Test
  void anEmptyFileIsAPodWithoutLabels() {
    assertThat(PodLabels.parse("").labels()).isEmpty();
    assertThat(PodLabels.parse("\n\n").problems()).isEmpty();
  }

  @Test
  void anEmptyValueIsALabelToo() {
    assertThat(PodLabels.parse("tier=\"\"\n").labels()).containsExactly(Map.entry("tier", ""));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "~\"plain\"~                | plain",
      "~\"say \\\"hi\\\"\"~       | say \"hi\"",
      "~\"back\\\\slash\"~        | back\\slash",
      "~\"tab\\there\"~           | ~tab\there~",
      "~\"\\x41\\u00e9\\U0001F600\"~ | Aé\uD83D\uDE00",
  })
  void unquotesGoEscapes(String quoted, String text) {
    assertThat(PodLabels.unquote(quoted)).isEqualTo(text.replace("\\t", "\t"));
  }

  @Test
  void linesThatCannotBeReadAreReportedWithTheirNumberAndTheRestIsKept() {
    PodLabels.Parsed parsed = PodLabels.parse("""
        app="orders"
        no-equals-sign
        unquoted=orders
        open="orders
        bad-escape="\\q"
        short-hex="\\x4"
        version="v1"
        """);

    assertThat(parsed.labels()).containsExactly(Map.entry("app", "orders"), Map.entry("version", "v1"));
    assertThat(parsed.problems()).isEqualTo(List.of(
        "line 2: expected key=\"value\"",
        "line 3: value is not a quoted string",
        "line 4: value is not a quoted string",
        "line 5: unknown escape \\q",
        "line 6: value ends in the middle of an escape"));
  }

  @Test
  void aQuoteInsideTheValueMustBeEscaped() {
    assertThatThrownBy(() -> PodLabels.unquote("\"a\"b\"")).hasMessage("unescaped quote inside the value");
  }
}
