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
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a user gets wrong, on a real node (tools/cluster/up.sh) with the chart installed as in
 * {@link ShopOnOneNodeIT}: a capture annotation that is not a boolean, a namespace without the store's Secret, a
 * Route whose destination Service does not exist, and the store going away under a running sidecar. Each case checks
 * what the pod, workload or Route shows for it, the documented fail-open or fail-closed behaviour, and that whatever
 * the sidecar acknowledged is in the journal. Only with {@code -Pone-node-cluster} (as root); in order, on one
 * installation.
 */
@Tag("cluster")
@EnabledIfSystemProperty(named = OneNodeCluster.ENABLED_PROPERTY, matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputOnOneNodeIT {

  private static final String SHOP = "shop";
  private static final String NO_SECRET = "no-store-secret";
  private static final String SIDECAR = "rewind-sidecar";
  /**
   * POSTs an order per argument, its Idempotency-Key the argument, through the container's HTTP_PROXY (the sidecar)
   * to the URL in the first argument, and prints "KEY STATUS" for each.
   */
  private static final String SEND = """
      import sys,urllib.request,urllib.error
      for key in sys.argv[2:]:
          req=urllib.request.Request(sys.argv[1],data=('{"orderId":"%s"}' % key).encode(),method='POST',
              headers={'Content-Type':'application/json','Idempotency-Key':key})
          try:
              r=urllib.request.urlopen(req,timeout=30)
              print(key,r.status,r.read().decode()[:200])
          except urllib.error.HTTPError as e:
              print(key,e.code,e.read().decode()[:200])
          except Exception as e:
              print(key,'error',e)
      """;

  private static OneNodeRewind rewind;

  @BeforeAll
  static void installTheChart() throws IOException {
    rewind = OneNodeRewind.install(List.of(SHOP, NO_SECRET), List.of(SHOP));
    ToolResult apply = rewind.cluster.kubectl("apply", "-f", OneNodeRewind.resource("shop.yaml"),
        "-f", OneNodeRewind.resource("bad-input.yaml"));
    assertThat(apply.exitCode()).as(apply.stderr()).isZero();
  }

  @AfterAll
  static void down() {
    if (rewind != null) {
      rewind.close();
    }
  }

  @Test
  @Order(1)
  void aCaptureAnnotationThatIsNotABooleanLeavesThePodRunningWithoutTheSidecarAndSaysWhy() throws IOException {
    Pod pod = await("the typo pod Ready").atMost(Duration.ofMinutes(4)).pollInterval(POLL)
        .until(() -> first(SHOP, "typo"), p -> p != null && Readiness.isPodReady(p));

    // Fail open, as documented: the default (false) applies, the pod runs, and the reason is on the pod.
    assertThat(names(pod.getSpec().getInitContainers())).doesNotContain(SIDECAR);
    assertThat(names(pod.getSpec().getContainers())).containsExactly("app");
    assertThat(pod.getMetadata().getLabels()).doesNotContainKey("rewind.dev/injected");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("rewind.dev/injection-notes",
        "rewind.dev/capture: \"yes please\" is not true or false; using false");

    // And a Warning Event on the pod says it, where kubectl describe and event-based alerting look.
    List<Event> events = await("a Warning Event about the annotation").atMost(Duration.ofMinutes(1)).pollInterval(POLL)
        .until(() -> rewind.events(SHOP, "Pod", pod.getMetadata().getName()),
            l -> l.stream().anyMatch(e -> "CaptureAnnotationInvalid".equals(e.getReason())));
    record("typo-pod-events.txt", events);
    assertThat(events).filteredOn(e -> "CaptureAnnotationInvalid".equals(e.getReason())).singleElement()
        .satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).contains("rewind.dev/capture: \"yes please\" is not true or false",
              "runs without the Rewind sidecar");
        });
    assertThat(events).noneMatch(e -> "SidecarNotInjected".equals(e.getReason()));
  }

  @Test
  @Order(2)
  void captureInANamespaceWithoutTheStoreSecretWaitsForTheOperatorToGiveItItsOwnCredentials() throws IOException {
    // The injector does not look for the Secret: the pod is injected, and its sidecar mounts the namespace's
    // rewind-store Secret, which the chart did not create here. The operator (operator.tenants.enabled) sees the
    // namespace's first captured pod and creates the namespace's store role and that Secret; the kubelet retries
    // the mount and the pod starts, its sidecar logging in as the namespace's own role.
    Pod injected = await("the pod injected").atMost(Duration.ofMinutes(3)).pollInterval(POLL)
        .until(() -> first(NO_SECRET, "secretless"), p -> p != null);
    assertThat(injected.getMetadata().getLabels()).containsEntry("rewind.dev/injected", "true");
    assertThat(names(injected.getSpec().getInitContainers())).startsWith(SIDECAR);

    Secret secret = await("the operator creating the namespace's store Secret").atMost(Duration.ofMinutes(2))
        .pollInterval(POLL).until(() -> rewind.admin.secrets().inNamespace(NO_SECRET).withName("rewind-store").get(),
            s -> s != null);
    assertThat(secret.getMetadata().getLabels()).containsEntry("rewind.dev/store-credentials", "namespace");
    assertThat(new String(java.util.Base64.getDecoder().decode(secret.getData().get("username")),
        java.nio.charset.StandardCharsets.UTF_8)).matches("rewind_no_store_secret_[0-9a-f]{20}");

    // Fail closed until then (the native sidecar comes first, so the application does not start uncaptured);
    // Ready once the Secret is mounted (the kubelet's mount retries back off to about two minutes).
    Pod ready = await("the pod Ready with its namespace's credentials").atMost(Duration.ofMinutes(5))
        .pollInterval(POLL).until(() -> first(NO_SECRET, "secretless"), p -> p != null && Readiness.isPodReady(p));
    record("secretless-pod-events.txt", rewind.events(NO_SECRET, "Pod", ready.getMetadata().getName()));
  }

  @Test
  @Order(3)
  void eventsForARouteWhoseServiceDoesNotExistEndDeadAfterConnectFailures() throws IOException {
    await("the sender's pod Ready").atMost(Duration.ofMinutes(4)).pollInterval(POLL)
        .until(() -> first(SHOP, "sender"), p -> p != null && Readiness.isPodReady(p));
    List<String> keys = List.of("nowhere-001", "nowhere-002", "nowhere-003");
    List<String> sent = send("sender", "http://nowhere.shop.svc:8080/orders", keys);
    assertThat(sent).as("acknowledged at once: the Route says store and forward").hasSize(keys.size())
        .allMatch(l -> l.contains(" 202 "));

    await("every event to nowhere dead").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .until(() -> outcomes("nowhere-%").values().stream().filter(v -> v.startsWith("dead|")).count()
            == keys.size());
    Map<String, String> outcomes = outcomes("nowhere-%");
    assertThat(outcomes).containsOnlyKeys(keys)
        .allSatisfy((id, outcome) -> assertThat(outcome).isEqualTo("dead|connect-failure"));

    // The Route says it (Healthy=False, EventsDead) and so do its Events, within the operator's health refresh.
    List<Event> events = await("a Warning EventsDead on the Route").atMost(Duration.ofMinutes(1)).pollInterval(POLL)
        .until(() -> rewind.events(SHOP, "Route", "to-nowhere"),
            l -> l.stream().anyMatch(e -> "EventsDead".equals(e.getReason())));
    String route = await("the Route Healthy=False, EventsDead").atMost(Duration.ofMinutes(1)).pollInterval(POLL)
        .until(() -> rewind.cluster.kubectl("-n", SHOP, "get", "route", "to-nowhere", "-o",
            "jsonpath={.status.conditions[?(@.type==\"Healthy\")].reason} {.status.delivery.dead}").stdout(),
            r -> r.equals("EventsDead " + keys.size()));
    record("route-to-nowhere-events.txt", events);
    Files.writeString(OUTPUT.resolve("route-to-nowhere.txt"), rewind.cluster.kubectl("-n", SHOP, "get", "route",
        "to-nowhere", "-o", "yaml").stdout() + "\n" + rewind.journalTable(SHOP));
    assertThat(route).isEqualTo("EventsDead 3");
    assertThat(events).filteredOn(e -> "EventsDead".equals(e.getReason())).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("the latest with outcome connect-failure"));
  }

  @Test
  @Order(4)
  void withTheStoreGoneCapturesAreRefusedAndTheSidecarIsNotReadyUntilItIsBack() throws IOException {
    await("Service A's pod Ready").atMost(Duration.ofMinutes(4)).pollInterval(POLL)
        .until(() -> first(SHOP, "service-a"), p -> p != null && Readiness.isPodReady(p));
    await("Service B's pod Ready").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> rewind.pods(SHOP, "app.kubernetes.io/name", "service-b").stream()
            .anyMatch(Readiness::isPodReady));
    String url = "http://service-b.shop.svc:8080/orders";
    assertThat(send("service-a", url, List.of("before-001"))).allMatch(l -> l.contains(" 202 "));
    await("the order sent before the outage delivered").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> "delivered".equals(rewind.journal(SHOP).get("before-001")));

    ToolResult down = rewind.cluster.kubectl("-n", SYSTEM, "scale", "statefulset/rewind-postgresql", "--replicas=0");
    assertThat(down.exitCode()).as(down.stderr()).isZero();
    await("the store's pod gone").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> rewind.admin.pods().inNamespace(SYSTEM).withName("rewind-postgresql-0").get() == null);

    // Fail closed: nothing is acknowledged that is not journaled, and the pod leaves its Service's endpoints.
    Pod pod = await("Service A's pod not Ready").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> first(SHOP, "service-a"), p -> p != null && !Readiness.isPodReady(p));
    List<String> refused = send("service-a", url, List.of("during-001", "during-002"));
    assertThat(refused).as("captures while the store is down").hasSize(2).allMatch(l -> l.contains(" 503 "));
    assertThat(ready(pod, SIDECAR)).as("the sidecar's readiness").isFalse();
    // The sidecar's readiness answers 503 while its store is unreachable; the kubelet records it on the pod.
    List<Event> unhealthy = await("the kubelet's Unhealthy Event").atMost(Duration.ofMinutes(1)).pollInterval(POLL)
        .until(() -> rewind.events(SHOP, "Pod", pod.getMetadata().getName()).stream()
            .filter(e -> "Unhealthy".equals(e.getReason()) && e.getMessage().contains("Readiness probe failed")
                && e.getMessage().contains("statuscode: 503"))
            .toList(), l -> !l.isEmpty());
    record("service-a-events-store-down.txt", rewind.events(SHOP, "Pod", pod.getMetadata().getName()));
    assertThat(unhealthy.get(0).getType()).isEqualTo("Warning");

    ToolResult up = rewind.cluster.kubectl("-n", SYSTEM, "scale", "statefulset/rewind-postgresql", "--replicas=1");
    assertThat(up.exitCode()).as(up.stderr()).isZero();
    await("Service A's pod Ready again").atMost(Duration.ofMinutes(4)).pollInterval(POLL)
        .until(() -> first(SHOP, "service-a"), p -> p != null && Readiness.isPodReady(p));
    Pod again = first(SHOP, "service-a");
    assertThat(again.getMetadata().getUid()).as("the same pod, not a new one").isEqualTo(pod.getMetadata().getUid());

    assertThat(send("service-a", url, List.of("after-001"))).allMatch(l -> l.contains(" 202 "));
    await("the order sent after the outage delivered").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> "delivered".equals(rewind.journal(SHOP).get("after-001")));
    Map<String, String> journal = rewind.journal(SHOP);
    Files.writeString(OUTPUT.resolve("journal-after-store-outage.txt"), rewind.journalTable(SHOP));
    assertThat(journal).as("every acknowledged order, none of the refused ones")
        .containsEntry("before-001", "delivered").containsEntry("after-001", "delivered")
        .doesNotContainKeys("during-001", "during-002");
  }

  // --- helpers

  private static Pod first(String namespace, String name) {
    return rewind.pods(namespace, "app.kubernetes.io/name", name).stream().findFirst().orElse(null);
  }

  private static List<String> names(List<Container> containers) {
    return containers == null ? List.of() : containers.stream().map(Container::getName).toList();
  }

  private static List<ContainerStatus> statuses(Pod pod) {
    List<ContainerStatus> all = new ArrayList<>();
    if (pod.getStatus().getInitContainerStatuses() != null) {
      all.addAll(pod.getStatus().getInitContainerStatuses());
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      all.addAll(pod.getStatus().getContainerStatuses());
    }
    return all;
  }

  private static String waiting(Pod pod, String container) {
    return statuses(pod).stream().filter(s -> s.getName().equals(container) && s.getState().getWaiting() != null)
        .map(s -> s.getState().getWaiting().getReason()).findFirst().orElse(null);
  }

  private static boolean ready(Pod pod, String container) {
    Pod now = rewind.admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .get();
    return statuses(now).stream().anyMatch(s -> s.getName().equals(container) && Boolean.TRUE.equals(s.getReady()));
  }

  /** SEND in the app container of the workload's pod: one "KEY STATUS BODY" line per key. */
  private static List<String> send(String workload, String url, List<String> keys) {
    List<String> args = new ArrayList<>(List.of("-n", SHOP, "exec", "deploy/" + workload, "-c", "app", "--",
        "python3", "-c", SEND, url));
    args.addAll(keys);
    ToolResult sent = rewind.cluster.kubectl(args.toArray(String[]::new));
    assertThat(sent.exitCode()).as(sent.stderr()).isZero();
    return sent.stdout().lines().toList();
  }

  /** event id to "state|last_outcome" of the shop's journal events whose id is LIKE the pattern. */
  private static Map<String, String> outcomes(String like) {
    return rewind.psql("SELECT event_id || '|' || state || '|' || coalesce(last_outcome, '') FROM rewind.events"
        + " WHERE namespace = 'shop' AND event_id LIKE '" + like + "'").lines().filter(l -> l.contains("|"))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('|')), l -> l.substring(l.indexOf('|') + 1)));
  }

  private static void record(String file, List<Event> events) throws IOException {
    Files.writeString(OUTPUT.resolve(file),
        events.stream().map(OneNodeRewind::describe).collect(Collectors.joining("\n")) + "\n");
  }
}
