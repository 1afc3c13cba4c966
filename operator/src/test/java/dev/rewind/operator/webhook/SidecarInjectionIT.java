package dev.rewind.operator.webhook;

import static dev.rewind.operator.webhook.PodFixtures.container;
import static dev.rewind.operator.webhook.PodFixtures.env;
import static dev.rewind.operator.webhook.PodFixtures.hasSidecar;
import static dev.rewind.operator.webhook.PodFixtures.sidecar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.operator.webhook.patch.CaptureAnnotations;
import dev.rewind.operator.webhook.registration.WebhookRegistrar;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The injector against a real kube-apiserver: it registers its own MutatingWebhookConfiguration (url clientConfig,
 * generated CA in the caBundle), runs as the operator's ServiceAccount with the shipped RBAC, and the API server
 * stores what it patched. Pods stay Pending (no scheduler): what is asserted is what the API server stored.
 */
@KubeApiTest
class SidecarInjectionIT {

  private static final Path OUTPUT = Path.of(System.getProperty("it.output.dir", "target/it-output"));

  private static KubeTestBed kube;
  private static KubernetesClient admin;
  private static String operatorNamespace;
  private static String shop;
  private static String restricted;
  private static RunningInjector injector;

  @BeforeAll
  static void startTheInjector() {
    kube = KubeTestBed.shared();
    admin = kube.adminClient();
    operatorNamespace = kube.newNamespace("rewind-system");
    shop = kube.newNamespace("shop");
    restricted = kube.newNamespace("restricted");
    admin.namespaces().withName(restricted).edit(ns -> {
      ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
      ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce-version", "latest");
      return ns;
    });
    injector = RunningInjector.prepare(kube, RunningInjector.settings(operatorNamespace, List.of(shop, restricted),
        "Ignore", RunningInjector.generatedTls(Duration.ofDays(365), Duration.ofDays(30)), false));
    injector.start(Clock.systemUTC());
    injector.awaitInjecting(shop);
  }

  @AfterAll
  static void stopTheInjector() {
    if (injector != null) {
      injector.close();
    }
    List.of(shop, restricted, operatorNamespace).forEach(kube::deleteNamespace);
  }

  @Test
  void aDeploymentsAnnotatedPodIsStoredWithTheNativeSidecarAndItsWiring() throws IOException {
    Deployment deployment = admin.apps().deployments().inNamespace(shop).resource(ordersDeployment()).create();
    // Without a controller-manager, the ReplicaSet and its pod are created here the way the controllers do.
    ReplicaSet replicaSet = admin.apps().replicaSets().inNamespace(shop).resource(replicaSetOf(deployment)).create();
    Pod created = admin.pods().inNamespace(shop).resource(podOf(replicaSet)).create();

    Pod stored = admin.pods().inNamespace(shop).withName(created.getMetadata().getName()).get();
    assertThat(stored.getSpec().getInitContainers().get(0).getName()).isEqualTo("rewind-sidecar");
    assertThat(sidecar(stored).getRestartPolicy()).isEqualTo("Always");
    assertThat(env(sidecar(stored), "REWIND_WORKLOAD")).isEqualTo("orders");
    assertThat(env(sidecar(stored), "REWIND_ROUTES")).isEqualTo("orders-to-service-b");
    assertThat(env(sidecar(stored), "REWIND_MODE")).isEqualTo("cluster");
    assertThat(env(sidecar(stored), "REWIND_STORE_CREDENTIALS_DIR")).isEqualTo("/var/run/rewind/store");
    assertThat(stored.getSpec().getVolumes()).filteredOn(v -> v.getName().equals("rewind-store-credentials"))
        .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("rewind-store"));
    assertThat(env(container(stored, "orders"), "HTTP_PROXY")).isEqualTo("http://127.0.0.1:4471");
    assertThat(env(container(stored, "orders"), "REWIND_URL")).isEqualTo("http://127.0.0.1:4470");
    assertThat(env(container(stored, "orders"), "LOG_LEVEL")).as("the user's env stays").isEqualTo("info");
    assertThat(stored.getMetadata().getLabels()).containsEntry(CaptureAnnotations.INJECTED_LABEL, "true");
    assertThat(stored.getMetadata().getName()).startsWith("orders-5d8f7c9b6-");
    assertThat(injector.admissions("injected")).isPositive();

    // The before/after in WEBHOOK.md comes from these files.
    Files.createDirectories(OUTPUT);
    Files.writeString(OUTPUT.resolve("webhook-deployment-template.yaml"),
        admin.getKubernetesSerialization().asYaml(deployment.getSpec().getTemplate()));
    Files.writeString(OUTPUT.resolve("webhook-injected-pod.yaml"), admin.getKubernetesSerialization().asYaml(stored));
  }

  @Test
  void aPodThatDidNotAskIsStoredUntouched() {
    double skippedBefore = injector.admissions("skipped");

    Pod stored = admin.pods().inNamespace(shop).resource(PodFixtures.plainPod("plain").build()).create();

    assertThat(hasSidecar(stored)).isFalse();
    assertThat(stored.getSpec().getInitContainers()).isEmpty();
    assertThat(stored.getMetadata().getLabels()).doesNotContainKey(CaptureAnnotations.INJECTED_LABEL);
    assertThat(container(stored, "app").getEnv()).isEmpty();
    assertThat(injector.admissions("skipped")).isGreaterThan(skippedBefore);
  }

  @Test
  void theInjectedPodIsAdmittedUnderPodSecurityRestrictedWhereANonCompliantPodIsRefused() {
    Pod admitted = admin.pods().inNamespace(restricted).resource(PodFixtures.capturedPod("compliant").build())
        .create();

    assertThat(hasSidecar(admin.pods().inNamespace(restricted).withName("compliant").get())).isTrue();
    assertThat(admitted.getMetadata().getLabels()).containsEntry(CaptureAnnotations.INJECTED_LABEL, "true");

    Pod careless = new PodBuilder(PodFixtures.capturedPod("careless").build()).editSpec().editFirstContainer()
        .withSecurityContext(null).endContainer().endSpec().build();
    assertThatThrownBy(() -> admin.pods().inNamespace(restricted).resource(careless).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          // The refusal names the app container only: the sidecar added next to it is compliant.
          assertThat(e.getMessage()).contains("violates PodSecurity \"restricted:latest\"")
              .contains("container \"app\" must set securityContext.allowPrivilegeEscalation=false")
              .doesNotContain("\"rewind-sidecar\"");
        });
    assertThat(admin.pods().inNamespace(restricted).withName("careless").get()).isNull();
  }

  @Test
  void theRegisteredConfigurationIsTheDocumentedOneAndIsNotRewrittenWhenUnchanged() {
    MutatingWebhookConfiguration stored = admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(injector.settings.registration().configurationName()).get();
    MutatingWebhook webhook = stored.getWebhooks().get(0);
    Secret tls = admin.secrets().inNamespace(operatorNamespace).withName("rewind-webhook-tls").get();

    assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(webhook.getSideEffects()).isEqualTo("None");
    assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    assertThat(webhook.getTimeoutSeconds()).isEqualTo(5);
    assertThat(webhook.getRules().get(0).getOperations()).containsExactly("CREATE");
    assertThat(webhook.getClientConfig().getUrl())
        .isEqualTo("https://127.0.0.1:" + injector.settings.port() + "/mutate");
    assertThat(webhook.getNamespaceSelector().getMatchExpressions().get(0).getValues())
        .containsExactly("kube-system", operatorNamespace);
    assertThat(webhook.getClientConfig().getCaBundle()).isEqualTo(tls.getData().get("ca.crt"));
    assertThat(tls.getType()).isEqualTo("kubernetes.io/tls");

    String caBundle = new String(Base64.getDecoder().decode(tls.getData().get("ca.crt")), StandardCharsets.US_ASCII);
    boolean written = new WebhookRegistrar(injector.operator.client(), injector.settings).ensure(Optional.of(caBundle));

    assertThat(written).isFalse();
    assertThat(admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(injector.settings.registration().configurationName()).get().getMetadata().getResourceVersion())
        .isEqualTo(stored.getMetadata().getResourceVersion());
  }

  private static Deployment ordersDeployment() {
    return new DeploymentBuilder()
        .withNewMetadata().withName("orders").endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewSelector().addToMatchLabels("app.kubernetes.io/name", "orders").endSelector()
        .withNewTemplate()
        .withNewMetadata().addToLabels("app.kubernetes.io/name", "orders")
        .addToAnnotations(CaptureAnnotations.CAPTURE, "true")
        .addToAnnotations(CaptureAnnotations.ROUTES, "orders-to-service-b")
        .endMetadata()
        .withNewSpec().withContainers(new ContainerBuilder(
            PodFixtures.restrictedApp("orders")).addNewEnv().withName("LOG_LEVEL").withValue("info").endEnv().build())
        .endSpec()
        .endTemplate()
        .endSpec().build();
  }

  private static ReplicaSet replicaSetOf(Deployment deployment) {
    PodTemplateSpec template = new PodTemplateSpecBuilder(
        deployment.getSpec().getTemplate()).editMetadata().addToLabels("pod-template-hash", "5d8f7c9b6")
        .endMetadata().build();
    return new ReplicaSetBuilder()
        .withNewMetadata().withName("orders-5d8f7c9b6").addToLabels(template.getMetadata().getLabels())
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("orders")
        .withUid(deployment.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true)
        .endOwnerReference().endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewSelector().addToMatchLabels(template.getMetadata().getLabels()).endSelector()
        .withTemplate(template).endSpec().build();
  }

  private static Pod podOf(ReplicaSet replicaSet) {
    PodTemplateSpec template = replicaSet.getSpec().getTemplate();
    ObjectMeta metadata = new ObjectMetaBuilder(template.getMetadata())
        .withGenerateName(replicaSet.getMetadata().getName() + "-")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
        .withName(replicaSet.getMetadata().getName()).withUid(replicaSet.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .build();
    return new PodBuilder().withMetadata(metadata).withSpec(template.getSpec()).build();
  }
}
