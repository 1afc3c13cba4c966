package dev.rewind.e2e.node;

import static dev.rewind.e2e.node.OneNodeRewind.OUTPUT;
import static dev.rewind.e2e.node.OneNodeRewind.POLL;
import static dev.rewind.e2e.node.OneNodeRewind.SYSTEM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.testbed.OneNodeCluster;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The seed story on a real node (tools/cluster/up.sh): the chart installed with helm from the images
 * tools/images/build.sh made (operator, sidecar, the bundled PostgreSQL, the example apps), the webhook called by the
 * API server through its Service, Service A's pod injected and Ready under Pod Security {@code restricted}, orders
 * dead while Service B is scaled to zero, and a Replay applied with kubectl bringing every one of them to Service B
 * under its original id. Only with {@code -Pone-node-cluster} (as root); the tests run in order on one installation.
 */
@Tag("cluster")
@EnabledIfSystemProperty(named = OneNodeCluster.ENABLED_PROPERTY, matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShopOnOneNodeIT {

  private static final String SHOP = "shop";
  private static final List<String> ORDERS = IntStream.rangeClosed(1, 8).mapToObj(i -> "order-%03d".formatted(i))
      .toList();

  private static OneNodeRewind rewind;
  private static OneNodeCluster cluster;
  private static KubernetesClient admin;

  @BeforeAll
  static void installTheChart() throws IOException {
    // The shop exists before the chart, which creates the store's Secret in it.
    rewind = OneNodeRewind.install(List.of(SHOP), List.of(SHOP));
    cluster = rewind.cluster;
    admin = rewind.admin;
  }

  @AfterAll
  static void down() {
    if (rewind != null) {
      rewind.close();
    }
  }

  @Test
  @Order(1)
  void theOperatorIsReadyLeadsAndItsWebhookIsRegisteredThroughItsService() {
    Pod operator = await("the operator pod Ready").atMost(Duration.ofMinutes(3)).pollInterval(POLL)
        .until(() -> pods(SYSTEM, "app.kubernetes.io/component", "operator").stream()
            .filter(Readiness::isPodReady).findFirst().orElse(null), p -> p != null);
    Lease lease = await("the leader Lease held by the operator pod").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> admin.leases().inNamespace(SYSTEM).withName("rewind-operator").get(),
            l -> l != null && operator.getMetadata().getName().equals(l.getSpec().getHolderIdentity()));
    assertThat(lease.getSpec().getRenewTime()).isNotNull();

    MutatingWebhookConfiguration config = admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName("rewind-sidecar-injector").get();
    assertThat(config).as("the chart's MutatingWebhookConfiguration").isNotNull();
    MutatingWebhook webhook = config.getWebhooks().get(0);
    assertThat(webhook.getClientConfig().getService().getNamespace()).isEqualTo(SYSTEM);
    assertThat(webhook.getClientConfig().getService().getName()).isEqualTo("rewind-sidecar-injector");
    assertThat(webhook.getClientConfig().getCaBundle()).as("caBundle, written by the operator").isNotBlank();
  }

  @Test
  @Order(2)
  void serviceAsPodRunsWithTheInjectedSidecarUnderPodSecurityRestricted() {
    // Everything at once, as a user applies a folder: the Route, the policies and the Deployments.
    ToolResult apply = cluster.kubectl("apply", "-f", resource("shop.yaml"));
    assertThat(apply.exitCode()).as(apply.stderr()).isZero();
    assertThat(apply.stderr()).as("no Pod Security warnings on apply").doesNotContain("violate");

    Pod pod = await("Service A's pod Ready").atMost(Duration.ofMinutes(4)).pollInterval(POLL)
        .until(() -> serviceA(), p -> p != null && Readiness.isPodReady(p));
    await("Service B's pod Ready").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> pods(SHOP, "app.kubernetes.io/name", "service-b").stream().anyMatch(Readiness::isPodReady));

    // A native sidecar: the first init container, restartPolicy Always, so it starts before the app and stops after.
    List<Container> init = pod.getSpec().getInitContainers();
    assertThat(init).as("init containers").isNotEmpty();
    Container sidecar = init.get(0);
    assertThat(sidecar.getName()).isEqualTo("rewind-sidecar");
    assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
    assertThat(sidecar.getImagePullPolicy()).isEqualTo("Never");

    // Restricted, as admitted: non-root, read-only root, no privilege escalation, drop ALL, RuntimeDefault.
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    for (Container c : allContainers(pod)) {
      SecurityContext sc = c.getSecurityContext();
      assertThat(sc).as(c.getName()).isNotNull();
      assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName() + " allowPrivilegeEscalation").isFalse();
      assertThat(sc.getReadOnlyRootFilesystem()).as(c.getName() + " readOnlyRootFilesystem").isTrue();
      assertThat(sc.getCapabilities().getDrop()).as(c.getName() + " drops").containsExactly("ALL");
      assertThat(sc.getPrivileged()).as(c.getName() + " privileged").isNotEqualTo(Boolean.TRUE);
    }
    assertThat(sidecar.getSecurityContext().getRunAsNonRoot()).isTrue();
    // The JVM writes only to emptyDirs (/tmp: Vert.x's cache, the JVM's perf data).
    Map<String, Volume> volumes = new java.util.HashMap<>();
    pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    VolumeMount tmp = sidecar.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp")).findFirst()
        .orElseThrow(() -> new AssertionError("no /tmp mount in " + sidecar.getVolumeMounts()));
    assertThat(volumes.get(tmp.getName()).getEmptyDir()).as("/tmp is an emptyDir").isNotNull();
    for (VolumeMount m : sidecar.getVolumeMounts()) {
      Volume v = volumes.get(m.getName());
      assertThat(v.getEmptyDir() != null || v.getDownwardAPI() != null || Boolean.TRUE.equals(m.getReadOnly()))
          .as("%s at %s is an emptyDir or read only", m.getName(), m.getMountPath()).isTrue();
    }

    // Running, not restarted, and nothing the kubelet or a controller warned about.
    Pod now = admin.pods().inNamespace(SHOP).withName(pod.getMetadata().getName()).get();
    for (ContainerStatus status : concat(now.getStatus().getInitContainerStatuses(),
        now.getStatus().getContainerStatuses())) {
      assertThat(status.getRestartCount()).as(status.getName() + " restarts").isZero();
    }
    // A probe that runs before its process listens records Unhealthy (connection refused) while the pod starts;
    // anything else, or a probe failing once the pod is Ready, is a finding.
    Instant ready = Instant.parse(now.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
        .findFirst().orElseThrow().getLastTransitionTime());
    assertThat(warnings(now, ready)).as("Warning Events of Service A's pod").isEmpty();
  }

  @Test
  @Order(3)
  void ordersDeadWhileServiceBIsDownAreReplayedUnderTheirOriginalIds() throws IOException {
    ToolResult scale = cluster.kubectl("-n", SHOP, "scale", "deployment/service-b", "--replicas=0");
    assertThat(scale.exitCode()).as(scale.stderr()).isZero();
    // Gone, not just Terminating: a terminating pod still answers what reaches it.
    await("Service B has no pods").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> admin.pods().inNamespace(SHOP).withLabel("app.kubernetes.io/name", "service-b").list()
            .getItems().isEmpty());
    Instant since = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);

    // The orders go to Service A from inside its pod; it relays each through its sidecar (HTTP_PROXY), which
    // journals it and answers 202 at once.
    String send = "import json,urllib.request\n"
        + "for oid in " + pythonList(ORDERS) + ":\n"
        + "    r=urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8080/orders',"
        + "data=json.dumps({'orderId':oid}).encode(),method='POST',headers={'Content-Type':'application/json'}),"
        + "timeout=30)\n"
        + "    print(oid,r.status,r.read().decode())\n";
    ToolResult sent = cluster.kubectl("-n", SHOP, "exec", "deploy/service-a", "-c", "app", "--", "python3", "-c",
        send);
    assertThat(sent.exitCode()).as(sent.stderr()).isZero();
    assertThat(sent.stdout().lines()).hasSize(ORDERS.size()).allMatch(l -> l.contains(" 202 "));

    // quick: 3 attempts of 500 ms; Service B has no endpoints, so every order dies within seconds.
    await("every order dead in the journal").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .until(() -> journal().entrySet().stream().filter(e -> e.getValue().equals("dead")).count() == ORDERS.size());
    // The operator's leader says so on the Route within its health refresh (15 s), from the same journal.
    await("the Route Healthy=False, EventsDead, DEAD " + ORDERS.size()).atMost(Duration.ofMinutes(1))
        .pollInterval(POLL).until(() -> health(), h -> h.equals("False EventsDead " + ORDERS.size()));
    Files.writeString(OUTPUT.resolve("routes-while-b-is-down.txt"),
        cluster.kubectl("-n", SHOP, "get", "routes", "-o", "wide").stdout() + "\n" + journalTable());

    // On-call, with kubectl alone (no store password): the dead orders through the query API the operator serves
    // (kube-apiserver authenticates, the operator authorizes each read with a SubjectAccessReview), one's attempts,
    // and how many a replay would take — against an independent count in the store.
    String dead = await("kubectl get events.query.rewind.dev lists every dead order").atMost(Duration.ofMinutes(2))
        .pollInterval(POLL).until(() -> cluster.kubectl("get", "events.query.rewind.dev", "-n", SHOP,
            "--field-selector", "status.state=dead").stdout(),
            out -> out.lines().filter(l -> l.contains(" dead ")).count() == ORDERS.size());
    assertThat(dead.lines().findFirst().orElseThrow())
        .containsPattern("NAME +ROUTE +STATE +ATTEMPTS +LAST OUTCOME +CORRELATION ID +AGE");
    String oneDead = dead.lines().skip(1).findFirst().orElseThrow().split(" +")[0];
    ToolResult trace = rewind.kubectlRewind(Duration.ofMinutes(1), "trace", oneDead, "-n", SHOP);
    assertThat(trace.exitCode()).as(trace.stderr()).isZero();
    assertThat(trace.stdout()).contains("initial", "retry").contains("dead");
    long deadInStore = journal().values().stream().filter("dead"::equals).count();
    ToolResult preview = rewind.kubectlRewind(Duration.ofMinutes(3), "replay", "-n", SHOP, "--name",
        "service-b-preview", "--route", "orders-to-service-b", "--state", "dead", "--dry-run");
    assertThat(preview.exitCode()).as(preview.stdout() + preview.stderr()).isZero();
    assertThat(preview.stdout()).contains("Replay " + SHOP + "/service-b-preview: Previewed (dry run, nothing"
        + " delivered) — matched " + deadInStore);
    Files.writeString(OUTPUT.resolve("on-call-with-kubectl.txt"), "$ kubectl get events.query.rewind.dev -n shop"
        + " --field-selector status.state=dead\n" + dead + "$ kubectl rewind trace " + oneDead + " -n shop\n"
        + trace.stdout() + "$ kubectl rewind replay -n shop --route orders-to-service-b --state dead --dry-run\n"
        + preview.stdout());

    ToolResult up = cluster.kubectl("-n", SHOP, "scale", "deployment/service-b", "--replicas=1");
    assertThat(up.exitCode()).as(up.stderr()).isZero();
    await("Service B Ready again").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> pods(SHOP, "app.kubernetes.io/name", "service-b").stream().anyMatch(Readiness::isPodReady));
    await("Service B's endpoints").atMost(Duration.ofMinutes(1)).pollInterval(POLL)
        .until(() -> !cluster.kubectl("-n", SHOP, "get", "endpointslices", "-l",
            "kubernetes.io/service-name=service-b", "-o", "jsonpath={.items[*].endpoints[*].addresses[*]}")
            .stdout().isBlank());

    Instant until = Instant.now().plus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    // The replay from kubectl rewind's flags, followed to its end; the same as applying this Replay:
    //   spec: {routeRef: orders-to-service-b, since, until, states: [failed, dead],
    //          override: {retryPolicyRef: patient}, rateLimit: 50}
    List<String> replay = List.of("replay", "-n", SHOP, "--name", "service-b-outage", "--route",
        "orders-to-service-b", "--since", since.toString(), "--until", until.toString(), "--state", "failed",
        "--state", "dead", "--retry-policy", "patient", "--rate-limit", "50");
    ToolResult replayed = rewind.kubectlRewind(Duration.ofMinutes(6), replay.toArray(String[]::new));
    Files.writeString(OUTPUT.resolve("on-call-with-kubectl.txt"), "$ kubectl rewind " + String.join(" ", replay)
        + "\n" + replayed.stdout(), StandardOpenOption.APPEND);
    assertThat(replayed.exitCode()).as(replayed.stdout() + replayed.stderr()).isZero();
    ToolResult complete = cluster.tool(Duration.ofMinutes(6), "kubectl", "-n", SHOP, "wait",
        "--for=condition=Complete", "replay/service-b-outage", "--timeout=5m");
    assertThat(complete.exitCode()).as(complete.stderr() + "\n"
        + cluster.kubectl("-n", SHOP, "get", "replay", "service-b-outage", "-o", "yaml").stdout()).isZero();

    // Service B's ledger: every order, once, under the id Service A gave it.
    String ledger = cluster.kubectl("-n", SHOP, "exec", "deploy/service-b", "--", "python3", "-c",
        "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:8080/admin/orders').read().decode())")
        .assertSuccess().stdout();
    assertThat(ledger).contains("\"received\": " + ORDERS.size()).contains("\"duplicates\": 0");
    for (String order : ORDERS) {
      assertThat(ledger).contains("\"" + order + "\"");
    }
    assertThat(journal()).as("the journal after the replay").hasSize(ORDERS.size())
        .allSatisfy((id, state) -> assertThat(state).isEqualTo("delivered"));
    // The injected sidecar kept the image's 32 MB heap through all of it: no restart (an OOM would be one), and
    // its container's peak memory is recorded next to the output.
    Pod a = serviceA();
    for (ContainerStatus status : concat(a.getStatus().getInitContainerStatuses(),
        a.getStatus().getContainerStatuses())) {
      assertThat(status.getRestartCount()).as(status.getName() + " restarts").isZero();
    }
    String peak = cluster.kubectl("-n", SHOP, "exec", a.getMetadata().getName(), "-c", "rewind-sidecar", "--",
        "sh", "-c", "cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes 2>/dev/null"
            + " || cat /sys/fs/cgroup/memory.peak 2>/dev/null").stdout().trim();
    // And the Route is healthy again: nothing dead, every order delivered in the window.
    await("the Route Healthy=True again").atMost(Duration.ofMinutes(1)).pollInterval(POLL)
        .until(() -> health(), h -> h.equals("True Delivering 0"));
    String replays = cluster.kubectl("-n", SHOP, "get", "replay", "service-b-outage",
        "-o", "jsonpath={.status.phase} {.status.matched} {.status.delivered} {.status.failed}").stdout();
    Files.writeString(OUTPUT.resolve("shop-after-replay.txt"),
        cluster.kubectl("get", "pods,routes,replays", "-n", SHOP).stdout() + "\n" + ledger + "\n" + journalTable()
            + "\nsidecar container peak memory (bytes): " + peak + "\n");
    assertThat(replays).isEqualTo("Succeeded " + ORDERS.size() + " " + ORDERS.size() + " 0");
    // The plugin ended with the figures kubectl get replay shows.
    assertThat(replayed.stdout()).contains("Replay " + SHOP + "/service-b-outage: Succeeded — matched "
        + ORDERS.size() + ", delivered " + ORDERS.size() + ", failed 0");
  }

  // --- helpers

  /** The Route's Healthy status and reason, and its dead count: "False EventsDead 8". */
  private static String health() {
    return cluster.kubectl("-n", SHOP, "get", "route", "orders-to-service-b", "-o",
        "jsonpath={.status.conditions[?(@.type==\"Healthy\")].status} {.status.conditions[?(@.type==\"Healthy\")]"
            + ".reason} {.status.delivery.dead}").stdout();
  }

  private static String resource(String name) {
    return OneNodeRewind.resource(name);
  }

  private static Pod serviceA() {
    return pods(SHOP, "app.kubernetes.io/name", "service-a").stream().findFirst().orElse(null);
  }

  private static List<Pod> pods(String namespace, String label, String value) {
    return rewind.pods(namespace, label, value);
  }

  private static List<Container> allContainers(Pod pod) {
    List<Container> all = new ArrayList<>(pod.getSpec().getInitContainers());
    all.addAll(pod.getSpec().getContainers());
    return all;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a == null ? List.of() : a);
    all.addAll(b == null ? List.of() : b);
    return all;
  }

  private static List<String> warnings(Pod pod, Instant ready) {
    return admin.v1().events().inNamespace(pod.getMetadata().getNamespace()).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()))
        .filter(e -> pod.getMetadata().getName().equals(e.getInvolvedObject().getName()))
        .filter(e -> !("Unhealthy".equals(e.getReason()) && e.getMessage().contains("connection refused")
            && !last(e).isAfter(ready)))
        .map(ShopOnOneNodeIT::describe).toList();
  }

  private static Instant last(Event e) {
    return OneNodeRewind.last(e);
  }

  private static String describe(Event e) {
    return last(e) + " " + e.getReason() + ": " + e.getMessage();
  }

  private static Map<String, String> journal() {
    return rewind.journal(SHOP);
  }

  private static String journalTable() {
    return rewind.journalTable(SHOP);
  }

  private static String pythonList(List<String> values) {
    return OneNodeRewind.pythonList(values);
  }
}
