package dev.rewind.operator.webhook.patch;

import static dev.rewind.operator.webhook.PodFixtures.capturedPod;
import static dev.rewind.operator.webhook.PodFixtures.container;
import static dev.rewind.operator.webhook.PodFixtures.env;
import static dev.rewind.operator.webhook.PodFixtures.envVar;
import static dev.rewind.operator.webhook.PodFixtures.hasSidecar;
import static dev.rewind.operator.webhook.PodFixtures.plainPod;
import static dev.rewind.operator.webhook.PodFixtures.sidecar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewind.operator.webhook.PodFixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The injector's patch, applied the way the API server applies it — to the JSON of the pod as it was sent — and
 * judged by the pod that results. One row per situation a pod can arrive in.
 */
class PodInjectorTest {

  // The Kubernetes client's own serialisation stands in for the API server's JSON, independent of the injector's.
  private static final KubernetesSerialization K8S = new KubernetesSerialization();
  private static final String CAPTURE = CaptureAnnotations.CAPTURE;

  private final PodInjector injector = new PodInjector(PodFixtures.defaultTemplate());

  /** One row: a pod as sent, the expected outcome, and what must hold for the pod as stored. */
  record Case(String name, Pod sent, Injection.Outcome outcome, Consumer<Result> expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** The stored pod and the injector's verdict. */
  record Result(Pod pod, Injection injection) {
    Container sidecar() {
      return PodFixtures.sidecar(pod);
    }

    Container app() {
      return container(pod, "app");
    }

    String notes() {
      return pod.getMetadata().getAnnotations().get(CaptureAnnotations.NOTES);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void thePatchedPodIsWhatTheRowSays(Case row) throws Exception {
    JsonNode sent = K8S.convertValue(row.sent(), JsonNode.class);

    Injection injection = injector.inject(PodInjector.readPod(sent));
    Pod stored = K8S.convertValue(JsonPatch.apply(injection.patch(), sent), Pod.class);

    assertThat(injection.outcome()).as("outcome").isEqualTo(row.outcome());
    row.expect().accept(new Result(stored, injection));
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("an annotated pod gets the native sidecar, first among init containers",
            capturedPod("orders").editSpec().addNewInitContainer().withName("migrate").withImage("shop/migrate:1")
                .endInitContainer().endSpec().build(),
            Injection.Outcome.INJECTED, r -> {
              assertThat(r.pod().getSpec().getInitContainers()).extracting(Container::getName)
                  .containsExactly("rewind-sidecar", "migrate");
              Container sidecar = r.sidecar();
              assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
              assertThat(sidecar.getImage()).isEqualTo("rewind/sidecar:0.1.0");
              assertThat(sidecar.getResources().getRequests())
                  .isEqualTo(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("96Mi")));
              assertThat(sidecar.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("160Mi")));
              assertThat(sidecar.getPorts()).singleElement()
                  .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(4479));
              assertThat(sidecar.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
              assertThat(sidecar.getStartupProbe().getInitialDelaySeconds()).isEqualTo(2);
              assertThat(sidecar.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
              assertThat(sidecar.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
              assertThat(sidecar.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("rewind-health");
              assertThat(env(sidecar, "REWIND_MODE")).isEqualTo("cluster");
              assertThat(env(sidecar, "REWIND_STORE_URL")).isEqualTo(PodFixtures.STORE_URL);
              assertThat(env(sidecar, "REWIND_STORE_MIGRATE")).isEqualTo("false");
              assertThat(env(sidecar, "QUARKUS_MANAGEMENT_HOST")).isEqualTo("0.0.0.0");
              assertThat(env(sidecar, "QUARKUS_MANAGEMENT_PORT")).isEqualTo("4479");
              assertThat(fieldRef(sidecar, "REWIND_NAMESPACE")).isEqualTo("metadata.namespace");
              assertThat(fieldRef(sidecar, "REWIND_POD")).isEqualTo("metadata.name");
              assertThat(env(sidecar, "REWIND_LABELS_FILE")).isEqualTo("/var/run/rewind/podinfo/labels");
              assertThat(envVar(sidecar, "REWIND_ROUTES")).isEmpty();
              assertThat(envVar(sidecar, "REWIND_PROXY_ENABLED")).isEmpty();
              assertThat(r.pod().getMetadata().getLabels()).containsEntry("rewind.dev/injected", "true")
                  .containsEntry("app", "orders");
              assertThat(env(r.app(), "HTTP_PROXY")).isEqualTo("http://127.0.0.1:4471");
              assertThat(env(r.app(), "http_proxy")).isEqualTo("http://127.0.0.1:4471");
              assertThat(env(r.app(), "REWIND_URL")).isEqualTo("http://127.0.0.1:4470");
              assertThat(env(r.app(), "NO_PROXY")).isEqualTo(env(r.app(), "no_proxy"))
                  .startsWith("127.0.0.1,localhost,::1,kubernetes,kubernetes.default,kubernetes.default.svc,")
                  .contains(",10.96.0.1,", ",rewind-store.rewind-system.svc,", ",169.254.169.254")
                  .doesNotContain(".svc.cluster.local,.", ",.svc");
              assertThat(container(r.pod(), "migrate").getEnv()).as("init containers are not wired").isEmpty();
              assertThat(r.injection().warnings()).isEmpty();
              assertThat(r.pod().getMetadata().getAnnotations()).doesNotContainKey(CaptureAnnotations.NOTES);
            }),
        new Case("the sidecar is locked down to pass Pod Security restricted, with /tmp on an emptyDir",
            capturedPod("orders").build(), Injection.Outcome.INJECTED, r -> {
              SecurityContext security = r.sidecar().getSecurityContext();
              assertThat(security.getRunAsNonRoot()).isTrue();
              assertThat(security.getRunAsUser()).isEqualTo(185L);
              assertThat(security.getReadOnlyRootFilesystem()).isTrue();
              assertThat(security.getAllowPrivilegeEscalation()).isFalse();
              assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
              assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
              assertThat(r.sidecar().getVolumeMounts()).extracting(VolumeMount::getName, VolumeMount::getMountPath)
                  .contains(tuple("rewind-tmp", "/tmp"),
                      tuple("rewind-podinfo", "/var/run/rewind/podinfo"));
              assertThat(volume(r.pod(), "rewind-tmp").getEmptyDir()).isNotNull();
              assertThat(volume(r.pod(), "rewind-podinfo").getDownwardAPI().getItems()).singleElement()
                  .satisfies(i -> assertThat(i.getFieldRef().getFieldPath()).isEqualTo("metadata.labels"));
              assertThat(r.app().getSecurityContext()).as("the app container is not touched")
                  .isEqualTo(PodFixtures.restrictedApp("app").getSecurityContext());
            }),
        new Case("the store credentials come from a Secret of the pod's namespace, mounted so rotation reaches it",
            capturedPod("orders").build(), Injection.Outcome.INJECTED, r -> {
              assertThat(envVar(r.sidecar(), "REWIND_STORE_PASSWORD")).as("never an environment variable").isEmpty();
              assertThat(envVar(r.sidecar(), "REWIND_STORE_CREDENTIALS_DIR").orElseThrow().getValue())
                  .isEqualTo("/var/run/rewind/store");
              assertThat(volume(r.pod(), "rewind-store-credentials").getSecret().getSecretName())
                  .isEqualTo("rewind-store");
              assertThat(volume(r.pod(), "rewind-store-credentials").getSecret().getItems())
                  .as("the whole Secret: username and password").isEmpty();
              assertThat(volume(r.pod(), "rewind-store-credentials").getSecret().getOptional()).isNull();
              assertThat(r.sidecar().getVolumeMounts()).anySatisfy(m -> {
                assertThat(m.getName()).isEqualTo("rewind-store-credentials");
                assertThat(m.getMountPath()).isEqualTo("/var/run/rewind/store");
                assertThat(m.getReadOnly()).isTrue();
              });
            }),
        new Case("every application container is wired",
            capturedPod("orders").editSpec().addToContainers(PodFixtures.restrictedApp("worker")).endSpec().build(),
            Injection.Outcome.INJECTED, r -> {
              assertThat(env(r.app(), "HTTP_PROXY")).isEqualTo("http://127.0.0.1:4471");
              assertThat(env(container(r.pod(), "worker"), "HTTP_PROXY")).isEqualTo("http://127.0.0.1:4471");
            }),
        new Case("a pod without the annotation is left alone",
            plainPod("orders").build(), Injection.Outcome.SKIPPED, r -> {
              assertThat(r.injection().patch()).isEmpty();
              assertThat(r.pod()).isEqualTo(plainPod("orders").build());
            }),
        new Case("capture: false is left alone",
            plainPod("orders").editMetadata().addToAnnotations(CAPTURE, "false").endMetadata().build(),
            Injection.Outcome.SKIPPED, r -> {
              assertThat(r.injection().patch()).isEmpty();
              assertThat(r.injection().warnings()).isEmpty();
            }),
        new Case("capture with a value that is not a boolean is reported on the pod, not injected",
            plainPod("orders").editMetadata().addToAnnotations(CAPTURE, "yes").endMetadata().build(),
            Injection.Outcome.SKIPPED, r -> {
              assertThat(r.injection().warnings()).singleElement().asString().contains("\"yes\" is not true or false");
              assertThat(r.pod().getMetadata().getAnnotations()).containsKey("rewind.dev/injection-notes");
              assertThat(r.pod().getMetadata().getAnnotations().get("rewind.dev/injection-notes"))
                  .contains("\"yes\" is not true or false");
              assertThat(r.pod().getSpec()).isEqualTo(plainPod("orders").build().getSpec());
              assertThat(r.pod().getMetadata().getLabels()).doesNotContainKey("rewind.dev/injected");
            }),
        new Case("a pod that already has the sidecar gets an empty patch",
            capturedPod("orders").editSpec().addNewInitContainer().withName("rewind-sidecar")
                .withImage("rewind/sidecar:0.0.9").endInitContainer().endSpec().build(),
            Injection.Outcome.ALREADY_INJECTED, r -> {
              assertThat(r.injection().patch()).isEmpty();
              assertThat(r.sidecar().getImage()).isEqualTo("rewind/sidecar:0.0.9");
            }),
        new Case("the user's env, volumes and mounts survive; a NO_PROXY of theirs is kept",
            capturedPod("orders").editSpec()
                .editFirstContainer().addNewEnv().withName("FOO").withValue("bar").endEnv()
                .addNewEnv().withName("NO_PROXY").withValue("internal.example").endEnv()
                .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer()
                .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
                .addNewVolume().withName("rewind-tmp").withNewEmptyDir().withMedium("Memory").endEmptyDir().endVolume()
                .endSpec().build(),
            Injection.Outcome.INJECTED, r -> {
              assertThat(env(r.app(), "FOO")).isEqualTo("bar");
              assertThat(env(r.app(), "NO_PROXY")).isEqualTo("internal.example");
              assertThat(envVar(r.app(), "no_proxy")).as("no second spelling next to the user's").isEmpty();
              assertThat(env(r.app(), "HTTP_PROXY")).isEqualTo("http://127.0.0.1:4471");
              assertThat(r.app().getVolumeMounts()).extracting(VolumeMount::getMountPath).containsExactly("/data");
              assertThat(r.pod().getSpec().getVolumes()).filteredOn(v -> v.getName().equals("rewind-tmp"))
                  .singleElement().satisfies(v -> assertThat(v.getEmptyDir().getMedium()).isEqualTo("Memory"));
              assertThat(volume(r.pod(), "data").getEmptyDir()).isNotNull();
              assertThat(r.notes()).contains("container app sets NO_PROXY itself")
                  .contains("volume rewind-tmp is the pod's own");
            }),
        new Case("a user's HTTP_PROXY wins: no proxy variables from us, and a note says why",
            capturedPod("orders").editSpec().editFirstContainer()
                .addNewEnv().withName("HTTP_PROXY").withValue("http://corp-proxy:3128").endEnv()
                .endContainer().endSpec().build(),
            Injection.Outcome.INJECTED, r -> {
              assertThat(env(r.app(), "HTTP_PROXY")).isEqualTo("http://corp-proxy:3128");
              assertThat(envVar(r.app(), "http_proxy")).isEmpty();
              assertThat(envVar(r.app(), "NO_PROXY")).isEmpty();
              assertThat(env(r.app(), "REWIND_URL")).isEqualTo("http://127.0.0.1:4470");
              assertThat(r.notes()).contains("container app sets HTTP_PROXY itself; kept");
              assertThat(r.injection().warnings()).anyMatch(w -> w.contains("sets HTTP_PROXY itself"));
            }),
        new Case("per-pod overrides: routes, resources, extra NO_PROXY entries",
            capturedPod("orders").editMetadata()
                .addToAnnotations("rewind.dev/routes", "orders-to-service-b, payments")
                .addToAnnotations("rewind.dev/sidecar-cpu-request", "100m")
                .addToAnnotations("rewind.dev/sidecar-memory-request", "128Mi")
                .addToAnnotations("rewind.dev/sidecar-cpu-limit", "500m")
                .addToAnnotations("rewind.dev/sidecar-memory-limit", "256Mi")
                .addToAnnotations("rewind.dev/no-proxy", "legacy.internal,10.0.0.0/8")
                .endMetadata().build(),
            Injection.Outcome.INJECTED, r -> {
              assertThat(env(r.sidecar(), "REWIND_ROUTES")).isEqualTo("orders-to-service-b,payments");
              assertThat(r.sidecar().getResources().getRequests())
                  .isEqualTo(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")));
              assertThat(r.sidecar().getResources().getLimits())
                  .isEqualTo(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("256Mi")));
              assertThat(env(r.app(), "NO_PROXY")).endsWith(",169.254.169.254,metadata.google.internal,"
                  + "legacy.internal,10.0.0.0/8");
              assertThat(r.injection().warnings()).isEmpty();
            }),
        new Case("bad override values are ignored and the defaults used, each with a warning",
            capturedPod("orders").editMetadata()
                .addToAnnotations("rewind.dev/sidecar-cpu-request", "lots")
                .addToAnnotations("rewind.dev/sidecar-memory-request", "1Gi")
                .addToAnnotations("rewind.dev/routes", "Bad_Name,orders-to-service-b")
                .addToAnnotations("rewind.dev/proxy", "maybe")
                .addToAnnotations("rewind.dev/signing-secrets", "UPPER")
                .addToAnnotations("rewind.dev/rotues", "payments")
                .endMetadata().build(),
            Injection.Outcome.INJECTED, r -> {
              assertThat(r.sidecar().getResources().getRequests())
                  .isEqualTo(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("96Mi")));
              assertThat(env(r.sidecar(), "REWIND_ROUTES")).isEqualTo("orders-to-service-b");
              assertThat(env(r.app(), "HTTP_PROXY")).as("proxy stays on").isEqualTo("http://127.0.0.1:4471");
              assertThat(envVar(r.sidecar(), "REWIND_SECRETS_DIR")).isEmpty();
              assertThat(r.injection().warnings()).hasSize(6).anyMatch(w -> w.contains("\"lots\""))
                  .anyMatch(w -> w.contains("1Gi exceeds the memory limit 160Mi"))
                  .anyMatch(w -> w.contains("\"Bad_Name\""))
                  .anyMatch(w -> w.contains("\"maybe\""))
                  .anyMatch(w -> w.contains("\"UPPER\""))
                  .anyMatch(w -> w.contains("rewind.dev/rotues: not a Rewind annotation"));
              assertThat(r.notes()).contains("\"lots\"");
            }),
        new Case("workload of a Deployment's pod: the ReplicaSet name without the pod-template-hash",
            owned("ReplicaSet", "orders-7d9c6b5f4").editMetadata().addToLabels("pod-template-hash", "7d9c6b5f4")
                .endMetadata().build(),
            Injection.Outcome.INJECTED, r -> assertThat(workload(r)).isEqualTo("orders")),
        new Case("workload of a StatefulSet's pod: the StatefulSet",
            owned("StatefulSet", "ledger").build(), Injection.Outcome.INJECTED,
            r -> assertThat(workload(r)).isEqualTo("ledger")),
        new Case("workload of a DaemonSet's pod: the DaemonSet",
            owned("DaemonSet", "node-agent").build(), Injection.Outcome.INJECTED,
            r -> assertThat(workload(r)).isEqualTo("node-agent")),
        new Case("workload of a Job's pod: the Job",
            owned("Job", "nightly-export").build(), Injection.Outcome.INJECTED,
            r -> assertThat(workload(r)).isEqualTo("nightly-export")),
        new Case("workload of a bare pod: its app.kubernetes.io/name label",
            capturedPod("orders-debug").editMetadata().addToLabels("app.kubernetes.io/name", "orders").endMetadata()
                .build(),
            Injection.Outcome.INJECTED, r -> assertThat(workload(r)).isEqualTo("orders")),
        new Case("workload of a bare pod without that label: its generateName prefix",
            capturedPod(null).editMetadata().withGenerateName("orders-probe-").endMetadata().build(),
            Injection.Outcome.INJECTED, r -> assertThat(workload(r)).isEqualTo("orders-probe")),
        new Case("the rewind.dev/workload annotation beats the owner",
            owned("ReplicaSet", "orders-7d9c6b5f4").editMetadata().addToLabels("pod-template-hash", "7d9c6b5f4")
                .addToAnnotations("rewind.dev/workload", "orders-api").endMetadata().build(),
            Injection.Outcome.INJECTED, r -> assertThat(workload(r)).isEqualTo("orders-api")),
        new Case("proxy: false wires no proxy and turns the sidecar's proxy off; REWIND_URL stays",
            capturedPod("orders").editMetadata().addToAnnotations("rewind.dev/proxy", "false").endMetadata().build(),
            Injection.Outcome.INJECTED, r -> {
              assertThat(envVar(r.app(), "HTTP_PROXY")).isEmpty();
              assertThat(envVar(r.app(), "http_proxy")).isEmpty();
              assertThat(envVar(r.app(), "NO_PROXY")).isEmpty();
              assertThat(env(r.app(), "REWIND_URL")).isEqualTo("http://127.0.0.1:4470");
              assertThat(env(r.sidecar(), "REWIND_PROXY_ENABLED")).isEqualTo("false");
            }),
        new Case("signing secrets are mounted, optional, at /var/run/rewind/secrets/<name>",
            capturedPod("orders").editMetadata()
                .addToAnnotations("rewind.dev/signing-secrets", "service-b-webhook, psp.signing").endMetadata().build(),
            Injection.Outcome.INJECTED, r -> {
              assertThat(env(r.sidecar(), "REWIND_SECRETS_DIR")).isEqualTo("/var/run/rewind/secrets");
              Volume serviceB = volume(r.pod(), "rewind-secret-service-b-webhook");
              assertThat(serviceB.getSecret().getSecretName()).isEqualTo("service-b-webhook");
              assertThat(serviceB.getSecret().getOptional()).isTrue();
              assertThat(volume(r.pod(), "rewind-secret-psp-signing").getSecret().getSecretName())
                  .isEqualTo("psp.signing");
              assertThat(r.sidecar().getVolumeMounts())
                  .filteredOn(m -> m.getMountPath().startsWith("/var/run/rewind/secrets"))
                  .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
                  .containsExactly(tuple("/var/run/rewind/secrets/service-b-webhook", true),
                      tuple("/var/run/rewind/secrets/psp.signing", true));
              assertThat(r.app().getVolumeMounts()).as("the application never sees them").isEmpty();
            }),
        new Case("a container that already uses one of the sidecar's ports: not injected, a note says why",
            capturedPod("orders").editSpec().editFirstContainer()
                .withPorts(new ContainerPortBuilder().withContainerPort(4471).build()).endContainer().endSpec().build(),
            Injection.Outcome.NOT_INJECTED, r -> {
              assertThat(hasSidecar(r.pod())).isFalse();
              assertThat(r.pod().getMetadata().getLabels()).doesNotContainKey("rewind.dev/injected");
              assertThat(envVar(r.app(), "HTTP_PROXY")).isEmpty();
              assertThat(r.notes()).contains("container app declares port 4471");
            }),
        new Case("a host-network pod: not injected",
            capturedPod("orders").editSpec().withHostNetwork(true).endSpec().build(),
            Injection.Outcome.NOT_INJECTED, r -> {
              assertThat(hasSidecar(r.pod())).isFalse();
              assertThat(r.notes()).contains("host network");
            }),
        new Case("fields the client model does not know survive the patch",
            withUnknownField(capturedPod("orders").build()), Injection.Outcome.INJECTED, r -> {
              assertThat(r.app().getAdditionalProperties()).containsEntry("futureField", "kept");
              assertThat(r.injection().patch().toString()).doesNotContain("\"remove\"");
            }));
  }

  private static PodBuilder owned(String kind, String name) {
    return capturedPod(null).editMetadata().withGenerateName(name + "-")
        .addNewOwnerReference().withApiVersion(kind.equals("Job") ? "batch/v1" : "apps/v1").withKind(kind)
        .withName(name).withUid("0f0e0d0c-0000-4000-8000-000000000001").withController(true).endOwnerReference()
        .endMetadata();
  }

  private static Pod withUnknownField(Pod pod) {
    pod.getSpec().getContainers().get(0).setAdditionalProperty("futureField", "kept");
    return pod;
  }

  private static String workload(Result r) {
    return env(sidecar(r.pod()), "REWIND_WORKLOAD");
  }

  private static String fieldRef(Container container, String name) {
    return envVar(container, name).orElseThrow().getValueFrom().getFieldRef().getFieldPath();
  }

  private static Volume volume(Pod pod, String name) {
    return pod.getSpec().getVolumes().stream().filter(v -> name.equals(v.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }
}
