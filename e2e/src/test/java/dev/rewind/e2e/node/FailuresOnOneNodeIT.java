package dev.rewind.e2e.node;

import static dev.rewind.e2e.node.OneNodeRewind.OUTPUT;
import static dev.rewind.e2e.node.OneNodeRewind.POLL;
import static dev.rewind.e2e.node.OneNodeRewind.SYSTEM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewind.testbed.OneNodeCluster;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
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
 * Rewind's parts failing on a real node (tools/cluster/up.sh), the chart installed as in {@link ShopOnOneNodeIT}:
 * the injected sidecar's process killed while Service A sends through it, and the operator's pod deleted while it
 * replays. In both, nothing the sidecar acknowledged is lost: every 202 ends in Service B's ledger under the id it
 * was given. Only with {@code -Pone-node-cluster} (as root); in order, on one installation.
 */
@Tag("cluster")
@EnabledIfSystemProperty(named = OneNodeCluster.ENABLED_PROPERTY, matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailuresOnOneNodeIT {

  private static final String SHOP = "shop";
  private static final String SIDECAR = "rewind-sidecar";
  private static final String SERVICE_B_URL = "http://service-b.shop.svc:8080/orders";
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The sender under load: POSTs order after order through the container's HTTP_PROXY (the sidecar) to the URL in
   * the first argument, each with its own Idempotency-Key (PREFIX-00001, -00002, ...), and prints "KEY STATUS" for
   * every request, or "KEY error REASON" when no answer came. It stops once it has seen a request fail and then
   * STEADY answers 202 in a row (the sidecar back), or after MAX requests. A refused request is retried after a
   * tenth of a second with the next key: a client's pace, so that the sidecar's restart is a few dozen lines.
   */
  private static final String LOAD = """
      import sys,time,urllib.request,urllib.error
      url,prefix,steady,most=sys.argv[1],sys.argv[2],int(sys.argv[3]),int(sys.argv[4])
      failed,run=False,0
      for i in range(1,most+1):
          key='%s-%05d' % (prefix,i)
          req=urllib.request.Request(url,data=('{"orderId":"%s"}' % key).encode(),method='POST',
              headers={'Content-Type':'application/json','Idempotency-Key':key})
          try:
              r=urllib.request.urlopen(req,timeout=30)
              status=r.status
              print(key,status,flush=True)
          except urllib.error.HTTPError as e:
              status=e.code
              print(key,status,flush=True)
          except Exception as e:
              status=None
              print(key,'error',str(e).replace(' ','_'),flush=True)
          if status==202:
              run+=1
              if failed and run>=steady:
                  break
          else:
              failed,run=True,0
              time.sleep(0.1)
      """;
  /** POSTs an order per key, like LOAD, once each; "KEY STATUS" per line. */
  private static final String SEND = """
      import sys,urllib.request,urllib.error
      for key in sys.argv[2:]:
          req=urllib.request.Request(sys.argv[1],data=('{"orderId":"%s"}' % key).encode(),method='POST',
              headers={'Content-Type':'application/json','Idempotency-Key':key})
          try:
              print(key,urllib.request.urlopen(req,timeout=30).status)
          except urllib.error.HTTPError as e:
              print(key,e.code)
      """;

  private static OneNodeRewind rewind;

  @BeforeAll
  static void installTheChart() throws IOException {
    rewind = OneNodeRewind.install(List.of(SHOP), List.of(SHOP));
    ToolResult apply = rewind.cluster.kubectl("apply", "-f", OneNodeRewind.resource("shop.yaml"));
    assertThat(apply.exitCode()).as(apply.stderr()).isZero();
    await("Service A's pod Ready").atMost(Duration.ofMinutes(4)).pollInterval(POLL)
        .until(() -> first("service-a"), p -> p != null && Readiness.isPodReady(p));
    await("Service B's pod Ready").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> first("service-b"), p -> p != null && Readiness.isPodReady(p));
    // For the record: what a freshly injected pod's start shows (the sidecar's startup probe has no initial delay).
    Pod a = first("service-a");
    Files.writeString(OUTPUT.resolve("service-a-events-at-start.txt"), rewind.events(SHOP, "Pod",
        a.getMetadata().getName()).stream().map(OneNodeRewind::describe).collect(Collectors.joining("\n")) + "\n");
  }

  @AfterAll
  static void down() {
    if (rewind != null) {
      rewind.close();
    }
  }

  @Test
  @Order(1)
  void theSidecarKilledUnderLoadLosesNoAcknowledgedOrder() throws Exception {
    Pod pod = first("service-a");
    String killed = OneNodeRewind.containerId(pod, SIDECAR);
    Process sender = rewind.kubectlInBackground("killed-sender", "-n", SHOP, "exec", pod.getMetadata().getName(),
        "-c", "app", "--", "python3", "-c", LOAD, SERVICE_B_URL, "killed", "50", "20000");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(sender.getInputStream(),
          StandardCharsets.UTF_8))) {
        out.lines().forEach(lines::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "killed-sender");
    reader.setDaemon(true);
    reader.start();
    try {
      await("orders flowing through the sidecar").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
          .until(() -> lines.stream().filter(l -> l.endsWith(" 202")).count() >= 50);

      // SIGKILL to the sidecar's process from the node, as the OOM killer or a crashing JVM would end it: no
      // shutdown hook, no draining. (kill -9 1 inside the container does nothing: PID 1 of a PID namespace ignores
      // signals it has no handler for when they come from inside.)
      // Counted before the kill: every line printed by then was answered by the old sidecar.
      int sentBeforeTheKill = lines.size();
      ToolResult kill = rewind.ctr("task", "kill", "--signal", "SIGKILL", killed);
      assertThat(kill.exitCode()).as(kill.stdout()).isZero();

      Pod restarted = await("the kubelet restarting the sidecar, Ready again").atMost(Duration.ofMinutes(3))
          .pollInterval(POLL).until(() -> rewind.admin.pods().inNamespace(SHOP).withName(pod.getMetadata().getName())
              .get(), p -> restarts(p, SIDECAR) >= 1 && Readiness.isPodReady(p));
      assertThat(OneNodeRewind.containerId(restarted, SIDECAR)).as("a new container").isNotEqualTo(killed);
      assertThat(restarted.getMetadata().getUid()).as("the same pod").isEqualTo(pod.getMetadata().getUid());
      assertThat(restarts(restarted, "app")).as("the app kept running").isZero();

      await("the sender done: 50 acknowledgements in a row after the failures").atMost(Duration.ofMinutes(3))
          .pollInterval(POLL).until(() -> !sender.isAlive());
      reader.join(30_000);
      assertThat(sender.exitValue()).as(Files.readString(OUTPUT.resolve("killed-sender.err"))).isZero();
      Files.write(OUTPUT.resolve("killed-sender.txt"), lines);

      // Every request is accounted for: one line per key, in order, none missing; each 202 or reported not.
      assertThat(lines).extracting(l -> l.substring(0, l.indexOf(' ')))
          .containsExactlyElementsOf(IntStream.rangeClosed(1, lines.size()).mapToObj("killed-%05d"::formatted)
              .toList());
      List<String> acknowledged = keys(lines, l -> l.endsWith(" 202"));
      List<String> notAcknowledged = keys(lines, l -> !l.endsWith(" 202"));
      assertThat(notAcknowledged).as("requests the sender saw fail while the sidecar was down").isNotEmpty();
      assertThat(lines.subList(0, sentBeforeTheKill)).as("all acknowledged before the kill")
          .allMatch(l -> l.endsWith(" 202"));

      // No acknowledged order lost: each is in the journal and ends delivered, and Service B has it under its key.
      await("every acknowledged order delivered").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            Map<String, String> journal = rewind.journal(SHOP);
            return acknowledged.stream().allMatch(k -> "delivered".equals(journal.get(k)));
          });
      Map<String, String> journal = rewind.journal(SHOP);
      Set<String> received = ledgerKeys();
      assertThat(received).as("Service B's ledger").containsAll(acknowledged);
      // A request cut off by the kill may have been journaled before its answer was lost: it is delivered too
      // (at least once), never acknowledged and dropped. The others were never journaled.
      List<String> journaledButNotAcknowledged = notAcknowledged.stream().filter(journal::containsKey).toList();
      assertThat(journaledButNotAcknowledged).allSatisfy(k -> assertThat(journal.get(k)).isEqualTo("delivered"));
      Files.writeString(OUTPUT.resolve("killed-sidecar.txt"), "sent " + lines.size() + ", acknowledged "
          + acknowledged.size() + ", not acknowledged " + notAcknowledged.size() + " (journaled anyway: "
          + journaledButNotAcknowledged + ")\nnot acknowledged:\n" + lines.stream().filter(l -> !l.endsWith(" 202"))
          .collect(Collectors.joining("\n")) + "\n\n" + rewind.cluster.kubectl("-n", SHOP, "get", "pods").stdout()
          + "\n" + rewind.cluster.kubectl("-n", SHOP, "logs", pod.getMetadata().getName(), "-c", SIDECAR,
          "--previous", "--tail=20").stdout());
    } finally {
      sender.destroyForcibly();
    }
  }

  @Test
  @Order(2)
  void theOperatorPodDeletedMidReplayIsSucceededByOneThatFinishesIt() throws IOException {
    // The outage: Service B gone, every order dead after the policy "quick" (3 tries of 500 ms).
    ToolResult scale = rewind.cluster.kubectl("-n", SHOP, "scale", "deployment/service-b", "--replicas=0");
    assertThat(scale.exitCode()).as(scale.stderr()).isZero();
    await("Service B has no pods").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> rewind.admin.pods().inNamespace(SHOP).withLabel("app.kubernetes.io/name", "service-b").list()
            .getItems().isEmpty());
    Instant since = Instant.now().minus(10, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
    List<String> orders = IntStream.rangeClosed(1, 60).mapToObj("replayed-%03d"::formatted).toList();
    List<String> args = new ArrayList<>(List.of("-n", SHOP, "exec", "deploy/service-a", "-c", "app", "--",
        "python3", "-c", SEND, SERVICE_B_URL));
    args.addAll(orders);
    ToolResult sent = rewind.cluster.kubectl(args.toArray(String[]::new));
    assertThat(sent.exitCode()).as(sent.stderr()).isZero();
    assertThat(sent.stdout().lines()).hasSize(orders.size()).allMatch(l -> l.endsWith(" 202"));
    await("every order dead").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          Map<String, String> journal = rewind.journal(SHOP);
          return orders.stream().allMatch(o -> "dead".equals(journal.get(o)));
        });

    ToolResult up = rewind.cluster.kubectl("-n", SHOP, "scale", "deployment/service-b", "--replicas=1");
    assertThat(up.exitCode()).as(up.stderr()).isZero();
    await("Service B Ready again").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> first("service-b"), p -> p != null && Readiness.isPodReady(p));
    await("Service B's endpoints").atMost(Duration.ofMinutes(1)).pollInterval(POLL)
        .until(() -> !rewind.cluster.kubectl("-n", SHOP, "get", "endpointslices", "-l",
            "kubernetes.io/service-name=service-b", "-o", "jsonpath={.items[*].endpoints[*].addresses[*]}")
            .stdout().isBlank());

    // Two events a second, one at a time: half a minute of replay, so the operator's pod goes while it runs.
    Instant until = Instant.now().plus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    String replay = """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: operator-deleted, namespace: shop}
        spec:
          routeRef: {name: orders-to-service-b}
          since: "%s"
          until: "%s"
          states: [dead]
          override:
            retryPolicyRef: {name: patient}
          rateLimit: 2
          concurrency: 1
        """.formatted(since, until);
    Path replayFile = Files.writeString(OUTPUT.resolve("replay-operator-deleted.yaml"), replay);
    Pod operator = rewind.pods(SYSTEM, "app.kubernetes.io/component", "operator").stream()
        .filter(Readiness::isPodReady).findFirst().orElseThrow();
    ToolResult applied = rewind.cluster.kubectl("apply", "-f", replayFile.toString());
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();

    String midFlight = await("the Replay Running, some delivered and most still to go")
        .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
        .until(() -> replayStatus("operator-deleted"), s -> {
          String[] f = s.split(" ", -1);
          return f[0].equals("Running") && !f[2].isEmpty() && Long.parseLong(f[2]) >= 1 && !f[4].isEmpty()
              && Long.parseLong(f[4]) >= orders.size() / 2;
        });
    int inLedgerThen = ledgerKeys().stream().filter(orders::contains).toList().size();
    ToolResult deleted = rewind.cluster.kubectl("-n", SYSTEM, "delete", "pod", operator.getMetadata().getName(),
        "--wait=false");
    assertThat(deleted.exitCode()).as(deleted.stderr()).isZero();

    Pod successor = await("a new operator pod Ready").atMost(Duration.ofMinutes(3)).pollInterval(POLL)
        .until(() -> rewind.pods(SYSTEM, "app.kubernetes.io/component", "operator").stream()
            .filter(p -> !p.getMetadata().getName().equals(operator.getMetadata().getName()))
            .filter(Readiness::isPodReady).findFirst().orElse(null), p -> p != null);
    Lease lease = await("the Lease held by the new pod").atMost(Duration.ofMinutes(2)).pollInterval(POLL)
        .until(() -> rewind.admin.leases().inNamespace(SYSTEM).withName("rewind-operator").get(),
            l -> l != null && successor.getMetadata().getName().equals(l.getSpec().getHolderIdentity()));
    assertThat(lease.getSpec().getHolderIdentity()).isNotEqualTo(operator.getMetadata().getName());

    ToolResult complete = rewind.cluster.tool(Duration.ofMinutes(6), "kubectl", "-n", SHOP, "wait",
        "--for=condition=Complete", "replay/operator-deleted", "--timeout=5m");
    assertThat(complete.exitCode()).as(complete.stderr() + "\n"
        + rewind.cluster.kubectl("-n", SHOP, "get", "replay", "operator-deleted", "-o", "yaml").stdout()).isZero();

    // Service B's ledger: every order once, under the id Service A's sidecar gave it.
    String ledger = rewind.ledger(SHOP);
    Set<String> received = keys(ledger);
    assertThat(received).as("Service B's ledger").containsAll(orders);
    Map<String, String> journal = rewind.journal(SHOP);
    assertThat(orders).allSatisfy(o -> assertThat(journal.get(o)).as(o).isEqualTo("delivered"));
    String status = replayStatus("operator-deleted");
    Files.writeString(OUTPUT.resolve("operator-deleted.txt"), "deleted " + operator.getMetadata().getName()
        + " at phase/matched/delivered/failed/remaining " + midFlight + " (Service B had " + inLedgerThen
        + " of " + orders.size() + ")\nsucceeded by " + successor.getMetadata().getName() + "\nat the end: " + status
        + "\n\n" + rewind.cluster.kubectl("get", "pods", "-n", SYSTEM).stdout() + "\n"
        + rewind.cluster.kubectl("get", "replays", "-n", SHOP).stdout() + "\nService B: "
        + JSON.readTree(ledger).path("duplicates") + " duplicates\n");
    assertThat(inLedgerThen).as("delivered when the pod was deleted").isBetween(1, orders.size() - 1);
    assertThat(status).startsWith("Succeeded " + orders.size() + " " + orders.size() + " 0");
  }

  // --- helpers

  private static Pod first(String name) {
    return rewind.pods(SHOP, "app.kubernetes.io/name", name).stream().findFirst().orElse(null);
  }

  private static int restarts(Pod pod, String container) {
    List<ContainerStatus> all = new ArrayList<>();
    if (pod.getStatus().getInitContainerStatuses() != null) {
      all.addAll(pod.getStatus().getInitContainerStatuses());
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      all.addAll(pod.getStatus().getContainerStatuses());
    }
    return all.stream().filter(s -> s.getName().equals(container)).mapToInt(ContainerStatus::getRestartCount)
        .findFirst().orElse(0);
  }

  private static List<String> keys(List<String> lines, java.util.function.Predicate<String> which) {
    return lines.stream().filter(which).map(l -> l.substring(0, l.indexOf(' '))).toList();
  }

  /** phase, matched, delivered, failed, remaining of the Replay, space-separated (empty when not set yet). */
  private static String replayStatus(String name) {
    return rewind.cluster.kubectl("-n", SHOP, "get", "replay", name, "-o",
        "jsonpath={.status.phase} {.status.matched} {.status.delivered} {.status.failed} {.status.remaining}")
        .stdout();
  }

  private static Set<String> ledgerKeys() throws IOException {
    return keys(rewind.ledger(SHOP));
  }

  private static Set<String> keys(String ledger) throws IOException {
    Set<String> keys = new HashSet<>();
    JsonNode all = JSON.readTree(ledger).path("keys");
    assertThat(all.isArray()).as("keys in " + ledger).isTrue();
    all.forEach(k -> keys.add(k.asText()));
    return keys;
  }
}
