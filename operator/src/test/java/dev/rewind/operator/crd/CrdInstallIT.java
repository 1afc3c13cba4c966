package dev.rewind.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.operator.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated CRDs, as packaged in the api jar, install on a real API server and become Established. */
@KubeApiTest
class CrdInstallIT {

  @Test
  void everyPackagedCrdInstallsAsIsAndBecomesEstablished(KubernetesClient admin) {
    List<CustomResourceDefinition> packaged = Crds.load(admin);
    assertThat(packaged).extracting(crd -> crd.getMetadata().getName())
        .containsExactlyInAnyOrder("flows.rewind.dev", "replays.rewind.dev", "retrypolicies.rewind.dev",
            "routes.rewind.dev");

    // Exactly the packaged YAML, no repair: this is what a user's kubectl apply -f crds/ does.
    packaged.forEach(crd -> Crds.apply(admin, crd));

    packaged.forEach(crd -> await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(Crds.established(admin, crd.getMetadata().getName())).as(crd.getMetadata().getName()).isTrue()));
  }

  @Test
  void theApiServerServesTheKindsUnderTheirShortNamesAndCategory(KubernetesClient admin) {
    Crds.installed(admin);

    assertThat(admin.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
        .filter(crd -> "rewind.dev".equals(crd.getSpec().getGroup())))
        .extracting(CustomResourceDefinition::getSpec)
        .allSatisfy(spec -> {
          assertThat(spec.getScope()).isEqualTo("Namespaced");
          assertThat(spec.getNames().getCategories()).containsExactly("rewind");
          assertThat(spec.getVersions()).singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo("v1alpha1");
            assertThat(v.getServed()).isTrue();
            assertThat(v.getSubresources().getStatus()).isNotNull();
          });
        })
        .extracting(spec -> spec.getNames().getShortNames().get(0))
        .containsExactlyInAnyOrder("rwr", "rwp", "rpl", "rwf");
  }
}
