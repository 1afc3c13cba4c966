package dev.rewind.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.e2e.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file under {@code examples/} applies cleanly to a real API server with the project's CRDs installed:
 * the cluster walk-through into the namespaces it names, the standalone files (which name none) into a test
 * namespace, and the Helm values file through the chart. "Cleanly" means no error, no warning (Pod Security
 * "restricted" included) and every object stored. The walk-through is also checked for being wired together:
 * every Route points at a Service the examples define and is what a captured Deployment calls.
 */
@KubeApiTest
class ExamplesApplyIT {

  private static final Path EXAMPLES = Chart.REPO.resolve("examples");
  private static final Path HELM_VALUES = EXAMPLES.resolve("helm");

  @Test
  void everyExampleFileAppliesCleanly(KubeTestBed kube, KubernetesClient admin, @TestNamespace String ns)
      throws IOException {
    Crds.install(admin);
    Map<Path, String> outcomes = new LinkedHashMap<>();

    for (Path file : manifests()) {
      List<HasMetadata> objects = Chart.objects(admin, Files.readString(file));
      assertThat(objects).as("objects in %s", file).isNotEmpty();
      boolean namesNamespaces = objects.stream().allMatch(o -> o instanceof Namespace
          || o.getMetadata().getNamespace() != null);
      boolean namesNone = objects.stream().noneMatch(o -> o.getMetadata().getNamespace() != null);
      assertThat(namesNamespaces || namesNone).as("%s: either every object names its namespace or none does", file)
          .isTrue();

      ToolResult applied = namesNamespaces ? Chart.apply(kube, file) : Chart.apply(kube, file, "--namespace", ns);

      outcomes.put(EXAMPLES.relativize(file), applied.succeeded() && !applied.stderr().toLowerCase().contains("warning")
          ? "ok" : applied.stdout() + applied.stderr());
      for (HasMetadata object : objects) {
        if (!(object instanceof Namespace)) {
          object.getMetadata().setNamespace(namesNamespaces ? object.getMetadata().getNamespace() : ns);
        }
        assertThat(admin.resource(object).get()).as("%s from %s is stored", object.getMetadata().getName(), file)
            .isNotNull();
      }
      objects.stream().filter(Namespace.class::isInstance)
          .forEach(n -> Chart.ensureNamespace(admin, n.getMetadata().getName()));
    }

    assertThat(outcomes).isNotEmpty().allSatisfy((file, outcome) -> assertThat(outcome).as(file.toString())
        .isEqualTo("ok"));
  }

  @Test
  void helmValuesOfTheExamplesRenderWhatTheApiServerAccepts(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) throws IOException {
    // The values name the walk-through's namespaces: the chart creates the sidecars' Secret in each.
    Chart.apply(kube, EXAMPLES.resolve("cluster/00-namespaces.yaml")).assertSuccess();
    try (Stream<Path> files = Files.list(HELM_VALUES)) {
      for (Path values : files.sorted().toList()) {
        String release = "rewind-" + ns.substring(ns.lastIndexOf('-') + 1);
        String manifests = Chart.render(kube, release, ns, "-f", values.toString());

        ToolResult applied = Chart.apply(kube, Chart.save("examples-" + values.getFileName(), manifests));
        // No operator serves it here, and the APIService is cluster-wide: left behind, it would break discovery and
        // every later helm install of the chart on this shared API server.
        Chart.removeQueryApiService(admin);

        applied.assertSuccess();
        assertThat(applied.stderr()).doesNotContainIgnoringCase("warning");
        for (String captured : List.of("erp", "service-a", "service-b")) {
          assertThat(admin.secrets().inNamespace(captured).withName("rewind-store").get().getData())
              .as("the sidecars' store Secret in %s", captured).containsKey("password");
        }
      }
    }
  }

  @Test
  void podsOfTheExampleDeploymentsAreAdmittedInTheirRestrictedNamespaces(KubeTestBed kube, KubernetesClient admin)
      throws IOException {
    Chart.apply(kube, EXAMPLES.resolve("cluster/00-namespaces.yaml")).assertSuccess();
    List<Deployment> deployments = clusterObjects(admin).stream().filter(Deployment.class::isInstance)
        .map(Deployment.class::cast).toList();
    assertThat(deployments).hasSize(4);

    for (Deployment deployment : deployments) {
      String namespace = deployment.getMetadata().getNamespace();
      Chart.ensureNamespace(admin, namespace);
      assertThat(admin.namespaces().withName(namespace).get().getMetadata().getLabels())
          .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
      Pod pod = new PodBuilder().withNewMetadataLike(deployment.getSpec().getTemplate().getMetadata())
          .withGenerateName(deployment.getMetadata().getName() + "-").withNamespace(namespace).endMetadata()
          .withSpec(deployment.getSpec().getTemplate().getSpec()).build();

      // Server-side dry run: Pod Security admission decides, nothing is stored.
      Pod admitted = admin.resource(pod).dryRun().create();

      assertThat(admitted.getSpec().getContainers()).isNotEmpty();
    }
  }

  @Test
  void replayExampleCannotBeChangedOnceCreatedAsTheWalkThroughShows(KubeTestBed kube, KubernetesClient admin)
      throws IOException {
    Crds.install(admin);
    Chart.apply(kube, EXAMPLES.resolve("cluster/00-namespaces.yaml")).assertSuccess();
    Chart.apply(kube, EXAMPLES.resolve("replay/service-b-outage.yaml")).assertSuccess();

    ToolResult patched = kube.run("kubectl", kube.kubeconfig(), "-n", "service-a", "patch", "replay",
        "service-b-outage", "--type=merge", "-p", "{\"spec\":{\"rateLimit\":10}}");

    assertThat(patched.exitCode()).isNotZero();
    String message = patched.stderr().strip();
    assertThat(message).contains("spec is immutable: a Replay is a one-shot request; create a new Replay instead");
    // The walk-through prints kubectl's answer verbatim.
    assertThat(Files.readString(EXAMPLES.resolve("README.md"))).contains(message);
  }

  @Test
  void walkThroughIsWiredTogether() throws IOException {
    List<HasMetadata> objects = clusterObjects(KubeTestBed.shared().adminClient());
    List<GenericKubernetesResource> routes = ofKind(objects, "Route");
    List<GenericKubernetesResource> policies = ofKind(objects, "RetryPolicy");
    List<Service> services = objects.stream().filter(Service.class::isInstance).map(Service.class::cast).toList();
    List<Deployment> captured = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
        .filter(d -> "true".equals(d.getSpec().getTemplate().getMetadata().getAnnotations()
            .get("rewind.dev/capture"))).toList();
    assertThat(routes).extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder("erp/orders-to-service-a", "service-a/orders-to-service-b",
            "service-b/orders-to-partner-api");

    for (GenericKubernetesResource route : routes) {
      String namespace = route.getMetadata().getNamespace();
      URI destination = URI.create(route.<String>get("spec", "destination", "url"));
      String[] host = destination.getHost().split("\\.");
      assertThat(host).as("%s: destination host <service>.<namespace>.svc", route.getMetadata().getName())
          .hasSize(3).endsWith("svc");
      assertThat(services).as("a Service %s/%s with port %d", host[1], host[0], destination.getPort())
          .anyMatch(s -> s.getMetadata().getNamespace().equals(host[1]) && s.getMetadata().getName().equals(host[0])
              && s.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == destination.getPort()));
      assertThat(route.<String>get("spec", "match", "host")).isEqualTo(destination.getHost());
      assertThat(route.<String>get("spec", "correlationId", "jsonPointer")).isEqualTo("/orderId");
      String policy = route.get("spec", "retryPolicyRef", "name");
      assertThat(policies).as("RetryPolicy %s/%s", namespace, policy).anyMatch(p ->
          p.getMetadata().getNamespace().equals(namespace) && p.getMetadata().getName().equals(policy));
      // A captured workload of the Route's namespace calls exactly the destination, so the proxy captures it.
      assertThat(captured).as("a captured Deployment in %s calling %s", namespace, destination)
          .anyMatch(d -> d.getMetadata().getNamespace().equals(namespace) && env(d).contains(destination.toString()));
    }

    for (Path file : List.of(EXAMPLES.resolve("replay/service-b-outage.yaml"),
        EXAMPLES.resolve("replay/service-b-outage-preview.yaml"))) {
      GenericKubernetesResource replay = ofKind(Chart.objects(KubeTestBed.shared().adminClient(),
          Files.readString(file)), "Replay").get(0);
      String namespace = replay.getMetadata().getNamespace();
      assertThat(routes).as("%s: its Route", file).anyMatch(r -> r.getMetadata().getNamespace().equals(namespace)
          && r.getMetadata().getName().equals(replay.get("spec", "routeRef", "name")));
      String override = replay.get("spec", "override", "retryPolicyRef", "name");
      if (override != null) {
        assertThat(policies).as("%s: its override policy", file).anyMatch(p ->
            p.getMetadata().getNamespace().equals(namespace) && p.getMetadata().getName().equals(override));
      }
    }
  }

  /** Every Kubernetes manifest under examples/: YAML files outside helm/ (those are values, rendered above). */
  private static List<Path> manifests() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .filter(f -> !f.startsWith(HELM_VALUES))
          .sorted().collect(Collectors.toList());
    }
  }

  private static List<HasMetadata> clusterObjects(KubernetesClient client) throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXAMPLES.resolve("cluster"))) {
      for (Path file : files.sorted().toList()) {
        objects.addAll(Chart.objects(client, Files.readString(file)));
      }
    }
    return objects;
  }

  private static List<GenericKubernetesResource> ofKind(List<HasMetadata> objects, String kind) {
    // Generic whatever Fabric8 made of them (typed when a test before registered the Rewind kinds).
    KubernetesClient client = KubeTestBed.shared().adminClient();
    return objects.stream().filter(o -> o.getKind().equals(kind))
        .map(o -> client.getKubernetesSerialization().convertValue(o, GenericKubernetesResource.class)).toList();
  }

  private static String env(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .flatMap(c -> c.getEnv().stream()).map(EnvVar::getValue).filter(Objects::nonNull)
        .collect(Collectors.joining(" "));
  }
}
