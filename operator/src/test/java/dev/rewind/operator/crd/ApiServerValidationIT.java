package dev.rewind.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rewind.api.manifest.InvalidObjectCases;
import dev.rewind.api.manifest.InvalidObjectCases.Case;
import dev.rewind.operator.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared table of invalid objects against the real API server with the generated CRDs: each is rejected with
 * a cause naming its field and carrying its message, the same verdict the standalone validator gives. The valid
 * examples are accepted.
 */
@KubeApiTest
class ApiServerValidationIT {

  private static String namespace;
  private static KubernetesClient admin;

  @BeforeAll
  static void install(KubeTestBed kube, @TestNamespace String ns) {
    admin = kube.adminClient();
    namespace = ns;
    Crds.installed(admin);
  }

  static List<Case> cases() {
    return InvalidObjectCases.load();
  }

  @Test
  void theTableIsLargeEnoughToMatter() {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(25)
        .extracting(Case::kind).contains("Route", "RetryPolicy", "Replay");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theApiServerRejectsTheObjectOnItsFieldWithItsMessage(Case invalid) {
    GenericKubernetesResource object = admin.getKubernetesSerialization()
        .convertValue(invalid.object(), GenericKubernetesResource.class);
    object.getMetadata().setNamespace(namespace);

    KubernetesClientException rejected = catchThrowableOfType(KubernetesClientException.class,
        () -> admin.resource(object).create());

    assertThat(rejected).as("%s was accepted", invalid.name()).isNotNull();
    assertThat(rejected.getCode()).isEqualTo(422);
    List<StatusCause> causes = rejected.getStatus().getDetails().getCauses();
    assertThat(causes).as("causes of %s", rejected.getStatus().getMessage())
        .anySatisfy(cause -> {
          assertThat(cause.getField()).isEqualTo(invalid.field());
          assertThat(cause.getMessage()).contains(invalid.message());
        });
    // The one-line message kubectl prints names the field and carries the message too.
    assertThat(rejected.getStatus().getMessage()).contains(invalid.field() + ": ").contains(invalid.message());
  }

  @Test
  void theValidExamplesAreAccepted() throws IOException {
    List<HasMetadata> created = new ArrayList<>();
    for (Path file : examples()) {
      try (InputStream yaml = Files.newInputStream(file)) {
        for (HasMetadata object : admin.load(yaml).items()) {
          object.getMetadata().setNamespace(namespace);
          created.add(admin.resource(object).create());
        }
      }
    }

    assertThat(created).extracting(HasMetadata::getKind)
        .contains("Route", "RetryPolicy", "Replay");
    assertThat(created).allSatisfy(o -> assertThat(o.getMetadata().getUid()).isNotBlank());
  }

  /** {@code examples/standalone/*.yaml} of the repository (the path comes from the build). */
  private static List<Path> examples() throws IOException {
    Path dir = Path.of(System.getProperty("it.examples.dir", "../examples/standalone"));
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      assertThat(yaml).as("examples in %s", dir).isNotEmpty();
      return yaml;
    }
  }
}
