package dev.rewind.e2e.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewind.e2e.testing.ContainerRuntime;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteCatalog;
import dev.rewind.journal.store.Senders;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.Processes;
import dev.rewind.journal.testing.Routes;
import dev.rewind.journal.testing.SidecarJvm;
import dev.rewind.journal.testing.SidecarProcess;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.webhook.InjectorConfig;
import dev.rewind.operator.webhook.InjectorSettings;
import dev.rewind.operator.webhook.patch.Injection;
import dev.rewind.operator.webhook.patch.PodInjector;
import dev.rewind.operator.webhook.patch.SidecarTemplate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injector and the sidecar agree: a pod is injected by the operator's own patch code, and the packaged sidecar
 * is started from exactly the environment that gives its container — resolved as the kubelet would, with the
 * image's own variables — against a real store, where it captures an event and delivers it. A variable the
 * injector writes that the sidecar refuses stops it; one it needs and misses leaves it unable to capture.
 */
class InjectedSidecarIT {

  private static final KubernetesSerialization K8S = new KubernetesSerialization();
  private static final String NAMESPACE = "shop";
  /** What the API server names a pod sent with {@code generateName: orders-5d8f7c9b6-}. */
  private static final String POD = "orders-5d8f7c9b6-x2x9k";
  private static final String PASSWORD = "not-checked-by-the-test-store";

  @Test
  void theSidecarOfAnInjectedPodStartsFromItsEnvironmentAndCapturesAndDelivers(@TempDir Path dir)
      throws Exception {
    try (TestStore store = TestStore.create(); HttpSink sink = HttpSink.startOnHostAddress()) {
      SidecarTemplate template = template(store.url());
      Pod pod = injected(template);
      Container sidecar = pod.getSpec().getInitContainers().get(0);
      assertThat(sidecar.getName()).isEqualTo("rewind-sidecar");

      ContainerRuntime runtime = new ContainerRuntime(pod, Map.of("rewind-store", Map.of("password", PASSWORD)),
          dir.resolve("container"));
      runtime.mount(sidecar);
      Map<String, String> image = imageEnvironment();
      Map<String, String> env = runtime.environment(sidecar, image);
      // A Service of the application's namespace whose name happens to start with rewind-: the kubelet gives
      // every container its variables, REWIND_DEMO_SERVICE_HOST and the rest, which name no setting.
      env.putAll(ContainerRuntime.serviceLinks("rewind-demo", "10.96.7.7", 8080, "http"));

      new RouteCatalog(store.store.pool()).publish(inNamespace(Routes.to("orders", sink.url("/orders"),
          "maxAttempts: 3\n"))).await().atMost(Duration.ofSeconds(30));

      Path run = Files.createDirectories(dir.resolve("run"));
      try (SidecarJvm process = SidecarJvm.launch(env, jvmOptions(image), run)) {
        process.awaitReady(template.ports().management(), Duration.ofSeconds(120));

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + template.ports().capture() + "/v1/routes/orders/42"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"order\":42}"))
            .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.count() == 1);
        HttpSink.Received delivered = sink.received().get(0);
        assertThat(delivered.path()).isEqualTo("/orders/42");
        assertThat(delivered.bodyText()).isEqualTo("{\"order\":42}");
        // Journaled as the injector named the sender: namespace and pod from the downward API, the Deployment.
        assertThat(store.column("SELECT namespace || '/' || sender_workload || '/' || sender_pod || '/' || state"
            + " FROM rewind.events")).containsExactly(NAMESPACE + "/orders/" + POD + "/delivered");
        // The labels file the injector mounts was read: the pod's labels are recorded with the sender, as a trace
        // reads them.
        Senders senders = new Senders(store.store.pool());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(senders.find(NAMESPACE, POD).await()
            .atMost(Duration.ofSeconds(10))).as(process.stdout()).hasValueSatisfying(sender -> assertThat(
                sender.labels()).isEqualTo(Map.of("app", "orders", "pod-template-hash", "5d8f7c9b6",
                    "rewind.dev/injected", "true"))));

        process.terminate();
        assertThat(process.awaitExit(Duration.ofSeconds(60))).as("stopped by SIGTERM after its shutdown")
            .isEqualTo(143);
        assertThat(process.stdout()).doesNotContain("ERROR");
      }
    }
  }

  /**
   * The operator's sidecar template as it builds it from its configuration: every default, with the store and,
   * since other processes share this machine, free ports.
   */
  private static SidecarTemplate template(String storeUrl) {
    Map<String, String> properties = Map.of(
        "rewind.injector.store.url", storeUrl,
        "rewind.injector.sidecar.capture-port", Integer.toString(Processes.freePort()),
        "rewind.injector.sidecar.proxy-port", Integer.toString(Processes.freePort()),
        "rewind.injector.sidecar.admin-port", Integer.toString(Processes.freePort()),
        "rewind.injector.sidecar.management-port", Integer.toString(Processes.freePort()));
    InjectorConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters()
        .withMapping(InjectorConfig.class)
        .withSources(new PropertiesConfigSource(properties, "test", 100))
        .build().getConfigMapping(InjectorConfig.class);
    return InjectorSettings.from(config, "rewind-system", Optional.empty(), Optional.of("10.96.0.1")).sidecar();
  }

  /** A Deployment's pod asking for capture, injected by the operator's patch and stored as the API server would. */
  private static Pod injected(SidecarTemplate template) throws Exception {
    Pod sent = new PodBuilder()
        .withNewMetadata().withGenerateName("orders-5d8f7c9b6-").withNamespace(NAMESPACE)
        .addToLabels("app", "orders").addToLabels("pod-template-hash", "5d8f7c9b6")
        .addToAnnotations("rewind.dev/capture", "true").addToAnnotations("rewind.dev/routes", "orders")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("orders-5d8f7c9b6")
        .withUid("6f1c3a52-0d7e-4c1b-9a64-1f0c3b2a9e11").withController(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().addNewContainer().withName("orders").withImage("shop/orders:1.4").endContainer().endSpec()
        .build();
    JsonNode json = K8S.convertValue(sent, JsonNode.class);
    Injection injection = new PodInjector(template).inject(PodInjector.readPod(json));
    assertThat(injection.outcome()).isEqualTo(Injection.Outcome.INJECTED);
    assertThat(injection.warnings()).isEmpty();
    Pod stored = K8S.convertValue(JsonPatch.apply(injection.patch(), json), Pod.class);
    stored.getMetadata().setName(POD);
    return stored;
  }

  private static ResolvedRoute inNamespace(ResolvedRoute r) {
    return new ResolvedRoute(NAMESPACE, r.name(), r.generation(), r.spec(), r.policyName(), r.policyGeneration(),
        r.policySpec());
  }

  /** The {@code ENV} of the sidecar image's Dockerfile: what the container has before the pod adds its own. */
  private static Map<String, String> imageEnvironment() throws IOException {
    Path dockerfile = SidecarProcess.jar().getParent().getParent().getParent()
        .resolve("src/main/docker/Dockerfile.jvm");
    Pattern env = Pattern.compile("^ENV (\\w+)=\"?(.*?)\"?$");
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dockerfile)) {
      Matcher m = env.matcher(line.strip());
      if (m.matches()) {
        values.put(m.group(1), m.group(2));
      }
    }
    assertThat(values).as("the image's JVM options").containsKey("JAVA_OPTS_APPEND");
    return values;
  }

  /** The image's JVM options (its small heap among them), which its start script puts before -jar. */
  private static List<String> jvmOptions(Map<String, String> image) {
    return new ArrayList<>(Arrays.asList(image.get("JAVA_OPTS_APPEND").trim().split("\\s+")));
  }
}
