package dev.rewind.e2e.node;

import static dev.rewind.e2e.node.OneNodeRewind.OUTPUT;
import static dev.rewind.e2e.node.OneNodeRewind.POLL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.testbed.OneNodeCluster;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The sidecar without the operator, on a real node (tools/cluster/up.sh): standalone mode (the journal in its
 * embedded PostgreSQL) as a native sidecar of a pod under Pod Security {@code restricted}, its routes from a
 * ConfigMap mounted as a volume (the layout that once made it crash-loop with "Duplicate value"). It delivers to a
 * Service by DNS name, and a ConfigMap changed with {@code kubectl apply} is served by the same container, without
 * a restart, once the kubelet has swapped the volume's {@code ..data}. Only with {@code -Pone-node-cluster}.
 */
@Tag("cluster")
@EnabledIfSystemProperty(named = OneNodeCluster.ENABLED_PROPERTY, matches = "true")
class StandaloneOnOneNodeIT {

  private static final String EDGE = "edge";
  private static final String SIDECAR = "rewind-sidecar";
  /**
   * POSTs an order keyed by the second argument to the URL in the first through the container's HTTP_PROXY (the
   * sidecar) and prints "STATUS BODY".
   */
  private static final String SEND = """
      import sys,urllib.request,urllib.error
      req=urllib.request.Request(sys.argv[1],data=('{"orderId":"%s"}' % sys.argv[2]).encode(),method='POST',
          headers={'Content-Type':'application/json','Idempotency-Key':sys.argv[2]})
      try:
          r=urllib.request.urlopen(req,timeout=30)
          print(r.status,r.read().decode())
      except urllib.error.HTTPError as e:
          print(e.code,e.read().decode())
      """;
  private static final String GET = """
      import sys,urllib.request
      print(urllib.request.urlopen(sys.argv[1],timeout=10).read().decode())
      """;
  private static final String ONE = "http://receiver-one.edge.svc:8080/orders";
  private static final String TWO = "http://receiver-two.edge.svc:8080/orders";

  private static OneNodeRewind rewind;

  @BeforeAll
  static void startTheCluster() throws IOException {
    rewind = OneNodeRewind.withoutChart(List.of(EDGE), List.of("sidecar", "example-apps"));
  }

  @AfterAll
  static void down() {
    if (rewind != null) {
      rewind.close();
    }
  }

  @Test
  void routesFromAConfigMapAreServedAndAChangeIsPickedUpWithoutARestart() throws IOException {
    String image = Files.readString(rewind.cluster.imageArchives().resolve("sidecar.ref")).trim();
    Path manifest = Files.writeString(OUTPUT.resolve("standalone.yaml"),
        Files.readString(Path.of(OneNodeRewind.resource("standalone.yaml"))).replace("@SIDECAR_IMAGE@", image));
    ToolResult apply = rewind.cluster.kubectl("apply", "-f", manifest.toString());
    assertThat(apply.exitCode()).as(apply.stderr()).isZero();
    assertThat(apply.stderr()).as("no Pod Security warnings on apply").doesNotContain("violate");

    Pod pod = await("the standalone sidecar's pod Ready").atMost(Duration.ofMinutes(4)).pollInterval(POLL)
        .until(() -> first("edge"), p -> p != null && Readiness.isPodReady(p));
    for (String receiver : List.of("receiver-one", "receiver-two")) {
      await(receiver + " Ready").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
          .until(() -> first(receiver), p -> p != null && Readiness.isPodReady(p));
    }
    String container = OneNodeRewind.containerId(pod, SIDECAR);
    assertThat(sidecarRestarts(pod)).as("the sidecar's restarts at start").isZero();
    assertThat(get("http://127.0.0.1:4472/v1/routes")).contains("orders").doesNotContain("to-receiver-two");

    // Before the change: "orders" captures what goes to receiver-one (202, journaled) and delivers it there by
    // DNS name; what goes to receiver-two matches no route and passes through the proxy untouched (its own 200).
    assertThat(send(ONE, "edge-001")).startsWith("202 ");
    await("edge-001 in receiver-one's ledger").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> ledger("receiver-one").contains("\"edge-001\""));
    assertThat(get("http://127.0.0.1:4472/v1/events?eventId=edge-001")).contains("delivered");
    assertThat(send(TWO, "edge-002")).as("not captured yet").startsWith("200 ");

    ToolResult change = rewind.cluster.kubectl("apply", "-f", OneNodeRewind.resource(
        "standalone-routes-changed.yaml"));
    assertThat(change.exitCode()).as(change.stderr()).isZero();
    // The kubelet rewrites the volume on its next sync of the pod (up to its sync period, a minute, plus the
    // ConfigMap cache); the sidecar checks its files every 2 s.
    String routes = await("the new route served").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .until(() -> get("http://127.0.0.1:4472/v1/routes"), r -> r.contains("to-receiver-two"));

    // The changed destination: captured as before, delivered to receiver-two now.
    assertThat(send(ONE, "edge-003")).startsWith("202 ");
    await("edge-003 in receiver-two's ledger").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> ledger("receiver-two").contains("\"edge-003\""));
    // The new route: what goes to receiver-two is captured now (202), journaled and delivered.
    assertThat(send(TWO, "edge-004")).as("captured by the new route").startsWith("202 ");
    await("edge-004 in receiver-two's ledger").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> ledger("receiver-two").contains("\"edge-004\""));
    assertThat(ledger("receiver-one")).contains("\"edge-001\"").doesNotContain("\"edge-003\"")
        .doesNotContain("\"edge-004\"");
    assertThat(get("http://127.0.0.1:4472/v1/events?eventId=edge-004")).contains("to-receiver-two");

    // Served by the same sidecar process: same container, never restarted.
    Pod now = rewind.admin.pods().inNamespace(EDGE).withName(pod.getMetadata().getName()).get();
    assertThat(OneNodeRewind.containerId(now, SIDECAR)).isEqualTo(container);
    assertThat(sidecarRestarts(now)).as("the sidecar's restarts").isZero();
    String logs = rewind.cluster.kubectl("-n", EDGE, "logs", pod.getMetadata().getName(), "-c", SIDECAR).stdout();
    Files.writeString(OUTPUT.resolve("standalone-after-change.txt"), "$ GET /v1/routes\n" + routes + "\n"
        + rewind.cluster.kubectl("-n", EDGE, "get", "pods").stdout() + "\nreceiver-one: " + ledger("receiver-one")
        + "receiver-two: " + ledger("receiver-two") + "\n" + logs.lines()
            .filter(l -> l.contains("FileRouteSource")).reduce("", (a, b) -> a + b + "\n"));
    assertThat(logs).contains("Reloaded routes");
  }

  // --- helpers

  private static Pod first(String name) {
    return rewind.pods(EDGE, "app.kubernetes.io/name", name).stream().findFirst().orElse(null);
  }

  private static int sidecarRestarts(Pod pod) {
    List<ContainerStatus> all = new ArrayList<>(pod.getStatus().getInitContainerStatuses());
    return all.stream().filter(s -> s.getName().equals(SIDECAR)).mapToInt(ContainerStatus::getRestartCount)
        .findFirst().orElseThrow();
  }

  /** SEND in the app container next to the sidecar: "STATUS BODY". */
  private static String send(String url, String key) {
    ToolResult sent = rewind.cluster.kubectl("-n", EDGE, "exec", "deploy/edge", "-c", "app", "--", "python3", "-c",
        SEND, url, key);
    assertThat(sent.exitCode()).as(sent.stderr()).isZero();
    return sent.stdout().trim();
  }

  /** A GET from the app container (the sidecar's admin API is on the pod's loopback); "" when it failed. */
  private static String get(String url) {
    ToolResult got = rewind.cluster.kubectl("-n", EDGE, "exec", "deploy/edge", "-c", "app", "--", "python3", "-c",
        GET, url);
    return got.succeeded() ? got.stdout() : "";
  }

  /** A receiver's ledger, every key it received ({@code ?keys=all}). */
  private static String ledger(String receiver) {
    return rewind.cluster.kubectl("-n", EDGE, "exec", "deploy/" + receiver, "--", "python3", "-c", GET,
        "http://127.0.0.1:8080/admin/orders?keys=all").stdout();
  }
}
