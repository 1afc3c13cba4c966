package dev.rewind.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart lints, and what it renders — with the default values and with every documented option — is what a real
 * API server accepts: each object is created for real in a fresh namespace (server-side apply, strict field
 * validation), and the pods the chart's workloads would start are admitted under Pod Security "restricted".
 */
@KubeApiTest
class ChartRenderIT {

  /** Values files: none (the defaults), and the chart's ci/ files that between them set every key. */
  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("defaults", List.of()),
        Arguments.of("all-options", List.of("-f", Chart.CI_VALUES.resolve("all-options-values.yaml").toString())),
        Arguments.of("existing-secret",
            List.of("-f", Chart.CI_VALUES.resolve("existing-secret-values.yaml").toString())),
        Arguments.of("chart-held-password",
            List.of("-f", Chart.CI_VALUES.resolve("chart-held-password-values.yaml").toString())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void helmLintPassesStrictly(String name, List<String> values, KubeTestBed kube) {
    List<String> args = new ArrayList<>(List.of("lint", Chart.DIR.toString(), "--strict"));
    args.addAll(values);

    ToolResult lint = kube.run("helm", kube.kubeconfig(), args.toArray(String[]::new));

    lint.assertSuccess();
    assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  /**
   * Found on a real node: helm uninstall leaves the bundled PostgreSQL's volume (a StatefulSet's claims outlive it),
   * initialised with the generated password; a new install generated another and every client failed authentication.
   * The Secret is kept with the volume, so the next install's lookup finds the password the data has.
   */
  @Test
  void theBundledStoresPasswordIsKeptOnUninstallAsItsVolumeIs(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) {
    String manifests = Chart.render(kube, "rewind", ns, "--set", "postgresql.enabled=true");

    List<HasMetadata> secrets = Chart.objects(admin, manifests).stream()
        .filter(o -> o.getKind().equals("Secret") && o.getMetadata().getName().equals("rewind-postgresql")).toList();

    assertThat(secrets).hasSize(1);
    assertThat(secrets.get(0).getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
  }

  /**
   * Found on a real node: the operator asked for the store's name before PostgreSQL was Ready, got NXDOMAIN, and
   * CoreDNS and the JVM cached it, so Routes were published seconds after the store was up. The headless Service
   * publishes the pod's address from its creation.
   */
  @Test
  void theBundledStoresNameResolvesBeforeItIsReady(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) {
    String manifests = Chart.render(kube, "rewind", ns, "--set", "postgresql.enabled=true");

    io.fabric8.kubernetes.api.model.Service store = Chart.objects(admin, manifests).stream()
        .filter(o -> o instanceof io.fabric8.kubernetes.api.model.Service
            && o.getMetadata().getName().equals("rewind-store"))
        .map(io.fabric8.kubernetes.api.model.Service.class::cast).findFirst().orElseThrow();

    assertThat(store.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(store.getSpec().getPublishNotReadyAddresses()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void renderedManifestsAreAcceptedByTheApiServer(String name, List<String> values, KubeTestBed kube,
      KubernetesClient admin, @TestNamespace String ns) {
    Chart.installCertManagerStandIns(admin);
    Chart.installPrometheusOperatorStandIns(admin);
    String release = "rewind-" + ns.substring(ns.lastIndexOf('-') + 1);
    String manifests = Chart.render(kube, release, ns, values.toArray(String[]::new));
    List<HasMetadata> objects = Chart.objects(admin, manifests);
    prepareWhatTheValuesReferTo(admin, ns, objects);

    ToolResult applied = Chart.apply(kube, Chart.save("render-" + name + ".yaml", manifests));

    applied.assertSuccess();
    // No warnings either (a deprecated API, a field the server ignores): the manifests apply as they are.
    assertThat(applied.stderr()).doesNotContainIgnoringCase("warning");
    for (HasMetadata object : objects) {
      HasMetadata stored = admin.resource(object).get();
      assertThat(stored).as("%s %s/%s", object.getKind(), object.getMetadata().getNamespace(),
          object.getMetadata().getName()).isNotNull();
    }
    assertThat(kinds(objects)).containsAll(Set.of("ClusterRole", "ClusterRoleBinding", "Deployment", "APIService"));
    // No operator serves it here: an unavailable APIService would make discovery incomplete for later tests.
    Chart.removeQueryApiService(admin);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void podsOfTheRenderedWorkloadsAreAdmittedUnderPodSecurityRestricted(String name, List<String> values,
      KubeTestBed kube, KubernetesClient admin) {
    String restricted = kube.newNamespace("rewind-restricted");
    admin.namespaces().withName(restricted).edit(n -> new NamespaceBuilder(n).editMetadata()
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build());
    List<HasMetadata> objects = Chart.objects(admin, Chart.render(kube, "rewind", restricted,
        values.toArray(String[]::new)));
    List<PodTemplateSpec> templates = new ArrayList<>();
    objects.stream().filter(Deployment.class::isInstance).map(d -> ((Deployment) d).getSpec().getTemplate())
        .forEach(templates::add);
    for (StatefulSet set : objects.stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
        .toList()) {
      // As the StatefulSet controller does: each volume claim template becomes a volume of the pod.
      PodTemplateSpec template = set.getSpec().getTemplate();
      set.getSpec().getVolumeClaimTemplates().forEach(claim -> template.getSpec().getVolumes().add(
          new VolumeBuilder().withName(claim.getMetadata().getName()).withNewPersistentVolumeClaim()
              .withClaimName(claim.getMetadata().getName() + "-" + set.getMetadata().getName() + "-0")
              .endPersistentVolumeClaim().build()));
      templates.add(template);
    }
    assertThat(templates).isNotEmpty();

    for (PodTemplateSpec template : templates) {
      String account = template.getSpec().getServiceAccountName();
      if (account != null) {
        admin.resource(new ServiceAccountBuilder().withNewMetadata().withName(account).withNamespace(restricted)
            .endMetadata().build()).serverSideApply();
      }
      Pod pod = new PodBuilder().withNewMetadataLike(template.getMetadata())
          .withGenerateName("chart-pod-").withNamespace(restricted).endMetadata()
          .withSpec(template.getSpec()).build();
      // Server-side dry run: admission (PodSecurity included) runs in full, nothing is stored, no kubelet needed.
      Pod admitted = admin.resource(pod).dryRun().create();
      assertThat(admitted.getMetadata().getNamespace()).isEqualTo(restricted);
    }
    kube.deleteNamespace(restricted);
  }

  @Test
  void installNotesTellWhatToDoNext(KubeTestBed kube, @TestNamespace String ns) {
    // A server-side dry run renders NOTES.txt as "helm install" prints it, and stores nothing.
    ToolResult install = kube.run("helm", kube.kubeconfig(), "install", "rewind", Chart.DIR.toString(),
        "--namespace", ns, "--skip-crds", "--dry-run=server");

    install.assertSuccess();
    String notes = install.stdout().substring(install.stdout().indexOf("NOTES:"));
    assertThat(notes)
        .contains("kubectl -n " + ns + " rollout status deployment/rewind-operator")
        .contains("The operator creates it, with a store role of that namespace's own")
        .contains("annotate secret rewind-store rewind.dev/rotate=")
        .contains("rewind.dev/capture")
        .contains("get routes.rewind.dev,retrypolicies")
        .contains("get replay -w")
        .contains("wait --for=condition=Complete replay/<name>")
        .contains("monitoring.prometheusRule.enabled").contains("docs/alerts.md")
        .contains("CRDs are not upgraded");
  }

  @Test
  void everyKeyOfTheDefaultValuesIsSetByACiValuesFile() throws Exception {
    // The ci/ files are the chart's claim to exercise every option: a key added to values.yaml but to neither
    // file would be rendered by no test.
    Set<String> covered = new TreeSet<>();
    covered.addAll(keys(yaml(Chart.CI_VALUES.resolve("all-options-values.yaml")), ""));
    covered.addAll(keys(yaml(Chart.CI_VALUES.resolve("existing-secret-values.yaml")), ""));
    covered.addAll(keys(yaml(Chart.CI_VALUES.resolve("chart-held-password-values.yaml")), ""));
    Set<String> uncovered = new TreeSet<>();
    for (String key : keys(yaml(Chart.DIR.resolve("values.yaml")), "")) {
      // An empty map in values.yaml (podAnnotations: {}) is covered by any entry set under it.
      if (covered.stream().noneMatch(c -> c.equals(key) || c.startsWith(key + "."))) {
        uncovered.add(key);
      }
    }
    // nameOverride and fullnameOverride exclude each other; ChartRbacIT renders with fullnameOverride.
    uncovered.remove("fullnameOverride");

    assertThat(uncovered).as("keys of values.yaml that no ci/ values file sets").isEmpty();
  }

  /**
   * Creates what the rendered objects expect to exist already: the namespaces a values file names, and the Secret
   * of {@code store.existingSecret} (here with a generated placeholder value).
   */
  private static void prepareWhatTheValuesReferTo(KubernetesClient admin, String ns, List<HasMetadata> objects) {
    objects.stream().map(o -> o.getMetadata().getNamespace()).filter(n -> n != null && !n.equals(ns)).distinct()
        .forEach(n -> Chart.ensureNamespace(admin, n));
    for (HasMetadata object : objects) {
      if (object instanceof Deployment deployment) {
        deployment.getSpec().getTemplate().getSpec().getContainers().stream()
            .flatMap(c -> c.getEnv().stream())
            .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
            .map(e -> e.getValueFrom().getSecretKeyRef())
            .filter(ref -> objects.stream().noneMatch(o -> o.getKind().equals("Secret")
                && o.getMetadata().getName().equals(ref.getName())))
            .forEach(ref -> admin.resource(new SecretBuilder().withNewMetadata().withName(ref.getName())
                .withNamespace(ns).endMetadata()
                .addToStringData(ref.getKey(), UUID.randomUUID().toString()).build()).serverSideApply());
        String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        if (objects.stream().noneMatch(o -> o.getKind().equals("ServiceAccount")
            && o.getMetadata().getName().equals(account))) {
          admin.resource(new ServiceAccountBuilder().withNewMetadata().withName(account).withNamespace(ns)
              .endMetadata().build()).serverSideApply();
        }
      }
    }
  }

  private static Set<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(Path file) throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .readValue(file.toFile(), Map.class);
  }

  /** Dotted paths of every leaf of a values tree; maps are descended, lists are leaves. */
  @SuppressWarnings("unchecked")
  private static Set<String> keys(Map<String, Object> tree, String prefix) {
    Set<String> keys = new TreeSet<>();
    tree.forEach((key, value) -> {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      if (value instanceof Map<?, ?> map && !map.isEmpty()) {
        keys.addAll(keys((Map<String, Object>) map, path));
      } else {
        keys.add(path);
      }
    });
    return keys;
  }
}
