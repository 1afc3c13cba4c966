package dev.rewind.operator.webhook.patch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The annotation parser, value by value: good values are read, bad ones reported and replaced by the default. */
class CaptureAnnotationsTest {

  record Row(String name, Map<String, String> annotations, Consumer<CaptureAnnotations> expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void parses(Row row) {
    row.expect().accept(CaptureAnnotations.parse(row.annotations()));
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row("no annotations: the defaults, no problems", Map.of(), a -> {
          assertThat(a).isEqualTo(CaptureAnnotations.DEFAULTS);
          assertThat(a.capture()).isFalse();
          assertThat(a.proxy()).isTrue();
        }),
        new Row("capture true, any case and spacing", Map.of("rewind.dev/capture", " True "),
            a -> assertThat(a.capture()).isTrue()),
        new Row("capture with a bad value: false, reported", Map.of("rewind.dev/capture", "1"), a -> {
          assertThat(a.capture()).isFalse();
          assertThat(a.problems()).containsExactly("rewind.dev/capture: \"1\" is not true or false; using false");
        }),
        new Row("proxy off and on spellings", Map.of("rewind.dev/proxy", "OFF"), a -> assertThat(a.proxy()).isFalse()),
        new Row("proxy with a bad value: on, reported", Map.of("rewind.dev/proxy", "nope"), a -> {
          assertThat(a.proxy()).isTrue();
          assertThat(a.problems()).singleElement().asString().contains("\"nope\"");
        }),
        new Row("routes: trimmed, empties and duplicates dropped, bad names reported",
            Map.of("rewind.dev/routes", " a , ,b,a,Not_A_Name,c.d "), a -> {
              assertThat(a.routes()).containsExactly("a", "b", "c.d");
              assertThat(a.problems()).singleElement().asString().contains("\"Not_A_Name\" is not a Route name");
            }),
        new Row("quantities: the Kubernetes grammar, positive only",
            Map.of("rewind.dev/sidecar-cpu-request", "0.25", "rewind.dev/sidecar-memory-request", "1.5Gi",
                "rewind.dev/sidecar-cpu-limit", "-1", "rewind.dev/sidecar-memory-limit", "0"), a -> {
              assertThat(a.cpuRequest()).contains(new Quantity("0.25"));
              assertThat(a.memoryRequest()).contains(new Quantity("1.5Gi"));
              assertThat(a.cpuLimit()).isEmpty();
              assertThat(a.memoryLimit()).isEmpty();
              assertThat(a.problems()).hasSize(2).allMatch(p -> p.contains("is not a positive quantity"));
            }),
        new Row("a quantity with a unit Kubernetes does not know", Map.of("rewind.dev/sidecar-memory-request", "96MB"),
            a -> {
              assertThat(a.memoryRequest()).isEmpty();
              assertThat(a.problems()).singleElement().asString().contains("\"96MB\"");
            }),
        new Row("workload override: a name, or reported", Map.of("rewind.dev/workload", "Orders API"), a -> {
          assertThat(a.workload()).isEmpty();
          assertThat(a.problems()).singleElement().asString().contains("is not a workload name");
        }),
        new Row("signing secrets and no-proxy entries", Map.of("rewind.dev/signing-secrets", "b,a",
            "rewind.dev/no-proxy", "10.0.0.0/8,.corp.example,[fd00::1]:8080,bad entry"), a -> {
              assertThat(a.signingSecrets()).containsExactly("b", "a");
              assertThat(a.noProxy()).containsExactly("10.0.0.0/8", ".corp.example", "[fd00::1]:8080");
              assertThat(a.problems()).singleElement().asString().contains("\"bad entry\"");
            }),
        new Row("a misspelt key is reported; other domains are none of our business",
            Map.of("rewind.dev/rotues", "a", "example.com/routes", "b", "rewind.dev/injection-notes", "x"), a ->
                assertThat(a.problems()).singleElement().asString().startsWith("rewind.dev/rotues: not a Rewind"))
    );
  }

  @Test
  void theFastPathLooksOnlyForTheKey() {
    assertThat(CaptureAnnotations.mentionsCapture(null)).isFalse();
    assertThat(CaptureAnnotations.mentionsCapture(Map.of("app", "x"))).isFalse();
    assertThat(CaptureAnnotations.mentionsCapture(Map.of("rewind.dev/capture", "garbage"))).isTrue();
  }

  @Test
  void everyKeyIsUnderTheRewindDomainAndParsedByName() {
    assertThat(CaptureAnnotations.KEYS).allMatch(k -> k.startsWith("rewind.dev/")).doesNotHaveDuplicates();
    Map<String, String> all = new HashMap<>();
    CaptureAnnotations.KEYS.forEach(k -> all.put(k, "x"));
    // Every documented key is known to the parser: none of them is reported as unknown.
    assertThat(CaptureAnnotations.parse(all).problems()).noneMatch(p -> p.contains("not a Rewind annotation"));
    assertThat(List.of(CaptureAnnotations.INJECTED_LABEL, CaptureAnnotations.NOTES))
        .doesNotContainAnyElementsOf(CaptureAnnotations.KEYS);
    assertThat(CaptureAnnotations.parse(Map.of()).workload()).isEqualTo(Optional.empty());
  }
}
