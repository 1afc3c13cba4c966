package dev.rewind.e2e.install;

import static org.awaitility.Awaitility.await;

import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The chart under {@code charts/rewind}, driven through the test bed's helm and kubectl binaries: render it, install
 * it, and create what it renders in the real API server. Rendered manifests are kept under {@code target/install/}
 * so that a failure can be read afterwards.
 */
public final class Chart {

  public static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  public static final Path DIR = REPO.resolve("charts/rewind");
  public static final Path CI_VALUES = DIR.resolve("ci");
  static final Path OUTPUT = Path.of("target", "install").toAbsolutePath();

  private Chart() {}

  /** {@code helm template RELEASE charts/rewind -n NAMESPACE ARGS...}; the caller checks the outcome. */
  public static ToolResult template(KubeTestBed kube, String release, String namespace, String... args) {
    List<String> command = new ArrayList<>(List.of("template", release, DIR.toString(), "--namespace", namespace));
    command.addAll(List.of(args));
    return kube.run("helm", kube.kubeconfig(), command.toArray(String[]::new));
  }

  /** Renders and returns the manifests, failing with helm's output if rendering fails. */
  public static String render(KubeTestBed kube, String release, String namespace, String... args) {
    return template(kube, release, namespace, args).assertSuccess().stdout();
  }

  /** The rendered objects, typed where Fabric8 knows the kind. */
  static List<HasMetadata> objects(KubernetesClient client, String manifests) {
    return client.load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8))).items();
  }

  /** Writes manifests to {@code target/install/NAME} and returns the file. */
  static Path save(String name, String manifests) {
    try {
      Files.createDirectories(OUTPUT);
      return Files.writeString(OUTPUT.resolve(name), manifests);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates (server-side apply) every object of {@code file}, with strict field validation: an unknown or
   * duplicated field is an error rather than silently dropped.
   */
  static ToolResult apply(KubeTestBed kube, Path file, String... extraArgs) {
    List<String> command = new ArrayList<>(List.of("apply", "--server-side", "--field-manager=rewind-install-test",
        "--validate=strict", "-f", file.toString()));
    command.addAll(List.of(extraArgs));
    return kube.run("kubectl", kube.kubeconfig(), command.toArray(String[]::new));
  }

  /**
   * Creates a namespace of a fixed name (one a values file or an example names) unless it exists: tests share one
   * API server, and without a controller-manager a deleted namespace never goes away.
   */
  static void ensureNamespace(KubernetesClient admin, String name) {
    if (admin.namespaces().withName(name).get() == null) {
      admin.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .serverSideApply();
    }
    // The ServiceAccount admission plugin wants it before a Pod is admitted; nobody else creates it here.
    admin.resource(new ServiceAccountBuilder().withNewMetadata().withName("default").withNamespace(name)
        .endMetadata().build()).serverSideApply();
  }

  /**
   * Stand-ins for cert-manager's Issuer and Certificate CRDs (cert-manager is not installed here). Their schemas
   * cover only the fields the chart writes, with cert-manager's names, types and enums and no unknown fields
   * preserved: with strict field validation a misspelt field is refused, which a schema-less stand-in would hide.
   */
  static synchronized void installCertManagerStandIns(KubernetesClient admin) {
    installStandIns(admin, List.of(standIn("cert-manager.io", "Issuer", "issuers", """
        selfSigned: {type: object}
        ca:
          type: object
          properties: {secretName: {type: string}}
        """), standIn("cert-manager.io", "Certificate", "certificates", """
        secretName: {type: string}
        dnsNames: {type: array, items: {type: string}}
        duration: {type: string}
        renewBefore: {type: string}
        privateKey:
          type: object
          properties:
            algorithm: {type: string, enum: [RSA, ECDSA, Ed25519]}
            size: {type: integer}
            rotationPolicy: {type: string, enum: [Never, Always]}
            encoding: {type: string, enum: [PKCS1, PKCS8]}
        issuerRef:
          type: object
          required: [name]
          properties:
            name: {type: string}
            kind: {type: string}
            group: {type: string}
        """)));
  }

  /**
   * Stand-ins for the Prometheus Operator's ServiceMonitor, PodMonitor and PrometheusRule CRDs
   * (monitoring.coreos.com/v1), as for cert-manager above: the fields the chart writes, with the names and types of
   * the Prometheus Operator's API (pkg/apis/monitoring/v1), durations with its pattern.
   */
  public static synchronized void installPrometheusOperatorStandIns(KubernetesClient admin) {
    String duration = "{type: string, pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?"
        + "(([0-9]+)s)?(([0-9]+)ms)?)$'}";
    String selectors = """
        selector:
          type: object
          properties:
            matchLabels: {type: object, additionalProperties: {type: string}}
        namespaceSelector:
          type: object
          properties:
            any: {type: boolean}
            matchNames: {type: array, items: {type: string}}
        """;
    String endpoint = """
        type: array
        items:
          type: object
          properties:
            port: {type: string}
            path: {type: string}
            interval: %1$s
            scrapeTimeout: %1$s
            honorLabels: {type: boolean}
        """.formatted(duration);
    installStandIns(admin, List.of(
        standIn("monitoring.coreos.com", "ServiceMonitor", "servicemonitors",
            selectors + "endpoints:\n" + endpoint.indent(2)),
        standIn("monitoring.coreos.com", "PodMonitor", "podmonitors",
            selectors + "podMetricsEndpoints:\n" + endpoint.indent(2)),
        standIn("monitoring.coreos.com", "PrometheusRule", "prometheusrules", """
            groups:
              type: array
              items:
                type: object
                required: [name]
                properties:
                  name: {type: string, minLength: 1}
                  rules:
                    type: array
                    items:
                      type: object
                      required: [expr]
                      properties:
                        alert: {type: string}
                        expr: {x-kubernetes-int-or-string: true}
                        for: %1$s
                        labels: {type: object, additionalProperties: {type: string}}
                        annotations: {type: object, additionalProperties: {type: string}}
            """.formatted(duration))));
  }

  private static void installStandIns(KubernetesClient admin, List<CustomResourceDefinition> crds) {
    for (CustomResourceDefinition crd : crds) {
      admin.resource(crd).serverSideApply();
      await().atMost(Duration.ofSeconds(30)).until(() -> admin.apiextensions().v1().customResourceDefinitions()
          .withName(crd.getMetadata().getName()).get().getStatus().getConditions().stream()
          .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
    }
  }

  private static CustomResourceDefinition standIn(String group, String kind, String plural, String specProperties) {
    String yaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: %2$s.%5$s
          labels: {rewind.dev/test-stand-in: "true"}
        spec:
          group: %5$s
          scope: Namespaced
          names: {kind: %1$s, plural: %2$s, singular: %3$s, listKind: %1$sList}
          versions:
            - name: v1
              served: true
              storage: true
              subresources: {status: {}}
              schema:
                openAPIV3Schema:
                  type: object
                  required: [spec]
                  properties:
                    spec:
                      type: object
                      properties:
        %4$s
                    status: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """.formatted(kind, plural, kind.toLowerCase(Locale.ROOT),
        specProperties.indent(16).stripTrailing(), group);
    return (CustomResourceDefinition) objects(KubeTestBed.shared().adminClient(), yaml).get(0);
  }

  /**
   * Deletes the chart's APIService v1alpha1.query.rewind.dev: with no operator serving it, it would stay unavailable
   * and make discovery incomplete for every later client of the shared API server.
   */
  public static void removeQueryApiService(KubernetesClient admin) {
    admin.genericKubernetesResources("apiregistration.k8s.io/v1", "APIService")
        .withName("v1alpha1.query.rewind.dev").delete();
  }
}
