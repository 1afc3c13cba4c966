package dev.rewind.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertAll;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.spec.BackoffPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.spec.Mode;
import dev.rewind.api.v1alpha1.route.spec.OnStoreUnavailable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class ManifestReaderTest {

  private final ManifestReader reader = new ManifestReader("default");

  @Test
  void readsTheKafkaExampleAndDefaultsItsKey() {
    Manifests manifests = reader.read(Path.of("..", "examples", "kafka"));

    Route route = manifests.routes().get(0);
    assertThat(route.getSpec().getDestination().getUrl()).isNull();
    assertThat(route.getSpec().getDestination().getKafka().getTopic()).isEqualTo("orders");
    assertThat(route.getSpec().getDestination().getKafka().getSasl().getPasswordSecretRef().getKey())
        .isEqualTo("password");
    assertThat(manifests.replays().get(0).getSpec().getOverride().getDestination().getKafka().getTopic())
        .isEqualTo("orders-rescued");
    // Not written in the Replay's override: filled from the CRD default.
    assertThat(manifests.replays().get(0).getSpec().getOverride().getDestination().getKafka().getKey())
        .isEqualTo("eventId");
  }

  @Test
  void readsTheStandaloneExamplesAndAppliesCrdDefaults() {
    Manifests manifests = reader.read(Path.of("..", "examples", "standalone"));

    assertThat(manifests.routes()).extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("orders-to-service-b", "orders-to-partner");
    assertThat(manifests.retryPolicies()).extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("quick", "patient");
    assertThat(manifests.replays()).extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("failed-orders", "broken-orders");
    assertThat(manifests.flows()).extracting(f -> f.getMetadata().getName()).containsExactly("orders");

    Route route = manifests.routes().stream().filter(r -> r.getMetadata().getName().equals("orders-to-service-b"))
        .findFirst().orElseThrow();
    assertThat(route.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(route.getSpec().getMode()).isEqualTo(Mode.STORE_AND_FORWARD);
    // Not written in the file: filled from the CRD default, as the API server would.
    assertThat(route.getSpec().getOnStoreUnavailable()).isEqualTo(OnStoreUnavailable.REJECT);

    RetryPolicy patient = manifests.retryPolicies().stream()
        .filter(p -> p.getMetadata().getName().equals("patient")).findFirst().orElseThrow();
    assertThat(patient.getSpec().getBackoff().getJitter()).isEqualTo(0.2);
    assertThat(patient.getSpec().getHonorRetryAfter()).isTrue();
    assertThat(patient.getSpec().getRetryOn()).isNull();

    Replay replay = manifests.replays().stream().filter(r -> r.getMetadata().getName().equals("failed-orders"))
        .findFirst().orElseThrow();
    // states has no schema default (with flowRef the Flow's verdict chooses them): the file's own value stays.
    assertThat(replay.getSpec().getStates()).containsExactly(EventState.FAILED, EventState.DEAD);
    assertThat(replay.getSpec().getMaxEvents()).isEqualTo(10000);
    assertThat(replay.getSpec().getDryRun()).isFalse();
    assertThat(manifests.sourceOf(route)).contains("routes.yaml");
  }

  @Test
  void anEmptyPolicyGetsEveryDefaultIncludingTheNestedBackoff() {
    Manifests manifests = reader.readTexts(Map.of("p.yaml", """
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: defaults}
        spec: {}
        """));
    var spec = manifests.retryPolicies().get(0).getSpec();
    assertAll(
        () -> assertThat(spec.getMaxAttempts()).isEqualTo(3),
        () -> assertThat(spec.getTimeout()).isEqualTo("10s"),
        () -> assertThat(spec.getMaxAge()).isEqualTo("24h"),
        () -> assertThat(spec.getBackoff().getPolicy()).isEqualTo(BackoffPolicy.EXPONENTIAL),
        () -> assertThat(spec.getBackoff().getInitialDelay()).isEqualTo("1s"),
        () -> assertThat(spec.getBackoff().getMultiplier()).isEqualTo(2.0),
        () -> assertThat(spec.getBackoff().getMaxDelay()).isEqualTo("5m"));
  }

  @TestFactory
  Stream<DynamicTest> everyInvalidObjectIsRejectedOnItsField() {
    YAMLMapper yaml = new YAMLMapper();
    return InvalidObjectCases.load().stream().map(c -> DynamicTest.dynamicTest(c.description(), () -> {
      String file = c.name() + ".yaml";
      assertThatThrownBy(() -> reader.readTexts(Map.of(file, yaml.writeValueAsString(c.object()))))
          .isInstanceOfSatisfying(ManifestException.class, e -> {
            assertThat(e.problems()).as("problems of %s", c.description()).hasSize(1);
            Problem problem = e.problems().get(0);
            assertThat(problem.source()).isEqualTo(file);
            assertThat(problem.violation().field()).isEqualTo(c.field());
            assertThat(problem.violation().message()).contains(c.message());
            assertThat(e.getMessage()).contains(file, c.kind() + " \"" + c.name() + "\"", c.field());
          });
    }));
  }

  @Test
  void tableCoversEveryKindWithAtLeastTwentyFiveCases() {
    List<InvalidObjectCases.Case> cases = InvalidObjectCases.load();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(25);
    assertThat(cases).extracting(InvalidObjectCases.Case::kind).contains("Route", "RetryPolicy", "Replay");
    assertThat(cases).extracting(InvalidObjectCases.Case::name).doesNotHaveDuplicates();
  }

  @Test
  void unknownFieldIsRejectedWithASuggestion() {
    assertThatThrownBy(() -> reader.readTexts(Map.of("typo.yaml", """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: typo}
        spec:
          destinaton: {url: http://b/}
        """)))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("typo.yaml (document 1, Route \"typo\"): spec.destinaton: unknown field"
            + " \"spec.destinaton\" (did you mean \"destination\"?)")
        .hasMessageContaining("spec.destination: Required value");
  }

  @Test
  void yamlSyntaxErrorNamesFileAndLine() {
    assertThatThrownBy(() -> reader.readTexts(Map.of("broken.yaml", """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata:
          name: broken
         spec: [unclosed
        """)))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("broken.yaml")
        .hasMessageContaining("line ")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void wrongApiVersionKindAndNameAreEachReported() {
    assertThatThrownBy(() -> reader.readTexts(Map.of("other.yaml", """
        apiVersion: rewind.dev/v2
        kind: Rout
        metadata: {name: Not_Valid}
        spec: {}
        """)))
        .isInstanceOfSatisfying(ManifestException.class, e -> assertThat(e.problems())
            .extracting(p -> p.violation().field())
            .containsExactly("apiVersion", "kind", "metadata.name"));
  }

  @Test
  void missingSpecIsRequired() {
    assertThatThrownBy(() -> reader.readTexts(Map.of("nospec.yaml", """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: nospec}
        """)))
        .hasMessageContaining("nospec.yaml (document 1, Route \"nospec\"): spec: Required value");
  }

  @Test
  void duplicateObjectsAcrossFilesNameBothFiles() {
    String route = """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: twice}
        spec:
          destination: {url: http://b/}
        """;
    assertThatThrownBy(() -> reader.readTexts(new java.util.TreeMap<>(Map.of("a.yaml", route, "b.yaml", route))))
        .hasMessageContaining("b.yaml (document 1, Route \"twice\"): metadata.name: Duplicate value")
        .hasMessageContaining("already defined in a.yaml (document 1)");
  }

  @Test
  void oneBadDocumentFailsTheWholeSetSoNothingStartsHalfConfigured() {
    assertThatThrownBy(() -> reader.readTexts(Map.of("mixed.yaml", """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: good}
        spec:
          destination: {url: http://b/}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: bad}
        spec: {maxAttempts: 0}
        """)))
        .isInstanceOfSatisfying(ManifestException.class, e -> {
          assertThat(e.problems()).hasSize(1);
          assertThat(e.problems().get(0).document()).isEqualTo(2);
          assertThat(e.getMessage()).contains("mixed.yaml (document 2, RetryPolicy \"bad\"): spec.maxAttempts");
        });
  }

  @Test
  void missingDirectoryIsNamed() {
    assertThatThrownBy(() -> reader.read(Path.of("does-not-exist")))
        .hasMessageContaining("does-not-exist")
        .hasMessageContaining("no such file or directory");
  }

  @Test
  void namespaceFromTheFileIsKept() {
    Manifests manifests = reader.readTexts(Map.of("ns.yaml", """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: r, namespace: service-a}
        spec:
          destination: {url: https://b.example.com/}
        """));
    assertThat(manifests.routes().get(0).getMetadata().getNamespace()).isEqualTo("service-a");
  }

  /** How the kubelet lays out a ConfigMap volume: the data in a hidden folder, reached through links. */
  @Test
  void aConfigMapVolumeIsReadOnceNotAlsoThroughItsHiddenFolder(@TempDir Path mount) throws Exception {
    Path data = Files.createDirectories(mount.resolve("..2026_12_06_05_00_00.123456789"));
    Files.writeString(data.resolve("routes.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: orders}
        spec:
          destination: {url: "http://service-b.shop.svc:8080/orders"}
        """);
    Files.createSymbolicLink(mount.resolve("..data"), data.getFileName());
    Files.createSymbolicLink(mount.resolve("routes.yaml"), Path.of("..data", "routes.yaml"));

    Manifests read = new ManifestReader("shop").read(mount);

    assertThat(read.routes()).extracting(r -> r.getMetadata().getName()).containsExactly("orders");
    assertThat(ManifestReader.files(mount)).containsExactly(mount.resolve("routes.yaml"));
  }
}
