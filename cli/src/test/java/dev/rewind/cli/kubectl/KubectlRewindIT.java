package dev.rewind.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.RouteDelivery;
import dev.rewind.api.v1alpha1.route.RouteStatus;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl rewind} in-process against the test bed's real kube-apiserver, with the CRDs of crds/: the Replay
 * it writes is one the API server accepts, its follow loop reads a Replay's status by a watch to the end, status
 * reads Routes, and a user without rights gets the API server's Forbidden, naming the namespace.
 *
 * <p>No operator runs here: the follow tests write the Replay's status subresource step by step, as the operator's
 * status patches do (a minimal object with only the status), so they test the plugin's follow loop, not the
 * operator. The end to end run (operator and read API) belongs to the e2e module.
 */
@KubeApiTest
class KubectlRewindIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static KubeTestBed kube;
  private static KubernetesClient admin;
  private static KubeUser oncall;
  private static KubeUser nobody;

  @BeforeAll
  static void crds(KubeTestBed testBed) {
    kube = testBed;
    admin = kube.adminClient();
    TestCrds.installed(admin);
    oncall = kube.restrictedUser("oncall-" + System.nanoTime());
    nobody = kube.restrictedUser("nobody-" + System.nanoTime());
  }

  private static String[] as(KubeUser user, String ns, String... args) {
    return Stream.concat(Stream.of(args), Stream.of("-n", ns, "--kubeconfig", user.kubeconfig().toString()))
        .toArray(String[]::new);
  }

  private static String[] asAdmin(String ns, String... args) {
    return Stream.concat(Stream.of(args), Stream.of("-n", ns, "--kubeconfig", kube.kubeconfig().toString()))
        .toArray(String[]::new);
  }

  /** On-call's rights in {@code ns}: write and watch Replays, read Routes; nothing else. */
  private static void grantOncall(String ns) {
    admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("rewind-oncall")
        .endMetadata().withRules(new PolicyRuleBuilder().withApiGroups("rewind.dev").withResources("replays")
            .withVerbs("create", "get", "list", "watch").build(),
            new PolicyRuleBuilder().withApiGroups("rewind.dev").withResources("routes")
                .withVerbs("get", "list").build()).build()).create();
    admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
        .withName("rewind-oncall").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "rewind-oncall")
        .addNewSubject().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(oncall.name())
        .endSubject().build()).create();
    // RBAC learns of the binding through a watch: wait until it applies.
    await().atMost(WAIT).ignoreExceptions()
        .until(() -> oncall.client().resources(Replay.class).inNamespace(ns).list() != null);
  }

  /** Writes a Replay's status as the operator does: a status patch of an object with only name and status. */
  private static void writeStatus(String ns, String name, ReplayPhase phase, long matched, long delivered,
      long failed, String message, List<String> sample) {
    ReplayStatus status = new ReplayStatus();
    status.setPhase(phase);
    status.setMatched(matched);
    status.setDelivered(delivered);
    status.setFailed(failed);
    status.setRemaining(Math.max(0, matched - delivered - failed));
    status.setMessage(message);
    status.setSample(sample);
    status.setObservedGeneration(1L);
    Replay patch = new Replay();
    patch.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    patch.setStatus(status);
    admin.resource(patch).patchStatus();
  }

  private static CompletableFuture<KubeCli> start(StringWriter out, StringWriter err, String... args) {
    return CompletableFuture.supplyAsync(() -> KubeCli.run(out, err, args));
  }

  private static void awaitPrinted(StringWriter out, String line) {
    await().atMost(WAIT).until(() -> out.toString().lines().anyMatch(line::equals));
  }

  @Test
  void theReplayPrintedWithOutputYamlIsOneTheApiServerAccepts(@TestNamespace String ns) {
    KubeCli everything = KubeCli.run(asAdmin(ns, "replay", "--route", "orders", "--route", "refunds", "--state",
        "dead", "--state", "failed", "--since", "2h", "--until", "10m", "--correlation-id", "o-1", "--type",
        "order.created", "--event-id", "e-1", "--last-outcome", "5xx", "--sender", "checkout", "--retry-policy",
        "patient", "--rate-limit", "0", "--concurrency", "8", "--max-events", "500", "--dry-run", "--name",
        "every-flag", "-o", "yaml"));
    KubeCli flow = KubeCli.run(asAdmin(ns, "replay", "--flow", "checkout", "--flow-state", "failed", "--hop", "1",
        "--since", "2026-11-27T10:00:00Z", "--dry-run", "--name", "by-flow", "-o", "yaml"));
    KubeCli least = KubeCli.run(asAdmin(ns, "replay", "--route", "orders", "--state", "dead", "--dry-run",
        "-o", "yaml"));

    for (KubeCli run : List.of(everything, flow, least)) {
      assertThat(run.exitCode()).as(run.toString()).isZero();
      Replay printed = Serialization.unmarshal(run.out(), Replay.class);
      // Server-side dry run first (admission, schema, CEL), then really created: nothing was created by -o yaml.
      assertThat(admin.resource(printed).dryRun().create().getMetadata().getUid()).isNotNull();
      assertThat(admin.resources(Replay.class).inNamespace(ns).withName(printed.getMetadata().getName()).get())
          .isNull();
      Replay created = admin.resource(printed).create();
      assertThat(created.getSpec()).isEqualTo(withCrdDefaults(printed.getSpec()));
    }
    assertThat(admin.resources(Replay.class).inNamespace(ns).withName("every-flag").get().getSpec().getRateLimit())
        .isZero();
    assertThat(admin.resources(Replay.class).inNamespace(ns).withName("by-flow").get().getSpec().getFlowRef().getHop())
        .isEqualTo(1);
  }

  /** The spec as the API server stores it: what the flags left unset gets the CRD's defaults, nothing else. */
  private static dev.rewind.api.v1alpha1.replay.ReplaySpec withCrdDefaults(
      dev.rewind.api.v1alpha1.replay.ReplaySpec printed) {
    var spec = Serialization.clone(printed);
    spec.setRateLimit(spec.getRateLimit() == null ? 100 : spec.getRateLimit());
    spec.setConcurrency(spec.getConcurrency() == null ? 16 : spec.getConcurrency());
    spec.setMaxEvents(spec.getMaxEvents() == null ? 10000 : spec.getMaxEvents());
    spec.setDryRun(spec.getDryRun() == null ? Boolean.FALSE : spec.getDryRun());
    if (spec.getFlowRef() != null && spec.getFlowRef().getState() == null) {
      spec.getFlowRef().setState(dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference.FlowState.BROKEN);
    }
    return spec;
  }

  @Test
  void aDryRunIsCreatedWithTheUsersCredentialsAndFollowedToPreviewed(@TestNamespace String ns) throws Exception {
    grantOncall(ns);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    CompletableFuture<KubeCli> run = start(out, err, as(oncall, ns, "replay", "--route", "orders", "--state", "dead",
        "--dry-run", "--name", "look-first"));
    awaitPrinted(out, "Pending: waiting for the operator to fix the matched set");
    Replay created = admin.resources(Replay.class).inNamespace(ns).withName("look-first").get();
    assertThat(created.getSpec().getDryRun()).isTrue();
    assertThat(created.getSpec().getRoutes()).containsExactly("orders");
    writeStatus(ns, "look-first", ReplayPhase.Previewed, 42, 0, 0, "42 events match; nothing was delivered",
        List.of("0193a5c2-0000-7000-8000-000000000001", "0193a5c2-0000-7000-8000-000000000002"));
    KubeCli done = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(done.exitCode()).as(done.toString()).isZero();
    assertThat(done.out().lines()).containsExactly(
        "replay.rewind.dev/look-first created (dry run)",
        "Pending: waiting for the operator to fix the matched set",
        "Previewed: 42 events match (dry run, nothing delivered)",
        "Replay " + ns + "/look-first: Previewed (dry run, nothing delivered) — matched 42",
        "  42 events match; nothing was delivered",
        "  sample (oldest first):",
        "    0193a5c2-0000-7000-8000-000000000001",
        "    0193a5c2-0000-7000-8000-000000000002");
    assertThat(done.err()).isEmpty();
  }

  @Test
  void theFollowLoopPrintsEachStatusChangeUntilSucceeded(@TestNamespace String ns) throws Exception {
    grantOncall(ns);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    CompletableFuture<KubeCli> run = start(out, err, as(oncall, ns, "replay", "--route", "orders", "--state", "dead",
        "--name", "orders-outage"));
    awaitPrinted(out, "Pending: waiting for the operator to fix the matched set");
    writeStatus(ns, "orders-outage", ReplayPhase.Running, 300, 0, 0, "replaying 300 events", null);
    awaitPrinted(out, "[....................] 0/300 delivered, 0 failed");
    writeStatus(ns, "orders-outage", ReplayPhase.Running, 300, 120, 2, "replaying 300 events", null);
    awaitPrinted(out, "[########............] 120/300 delivered, 2 failed");
    // A status write that changes no figure prints nothing new.
    writeStatus(ns, "orders-outage", ReplayPhase.Running, 300, 120, 2, "still replaying", null);
    writeStatus(ns, "orders-outage", ReplayPhase.Succeeded, 300, 300, 0, "delivered all 300 events", null);
    KubeCli done = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(done.exitCode()).as(done.toString()).isZero();
    assertThat(done.out().lines()).containsExactly(
        "replay.rewind.dev/orders-outage created",
        "Pending: waiting for the operator to fix the matched set",
        "[....................] 0/300 delivered, 0 failed",
        "[########............] 120/300 delivered, 2 failed",
        "[####################] 300/300 delivered, 0 failed (Succeeded)",
        "Replay " + ns + "/orders-outage: Succeeded — matched 300, delivered 300, failed 0",
        "  delivered all 300 events");
  }

  @Test
  void aReplayThatEndsPartiallyFailedExitsOne(@TestNamespace String ns) throws Exception {
    grantOncall(ns);
    StringWriter out = new StringWriter();

    CompletableFuture<KubeCli> run = start(out, new StringWriter(), as(oncall, ns, "replay", "--route", "orders",
        "--name", "half"));
    awaitPrinted(out, "Pending: waiting for the operator to fix the matched set");
    writeStatus(ns, "half", ReplayPhase.PartiallyFailed, 4, 3, 1, "delivered 3 of 4 events; 1 failed: 503", null);
    KubeCli done = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(done.exitCode()).as(done.toString()).isEqualTo(1);
    assertThat(done.out()).contains("[####################] 3/4 delivered, 1 failed (PartiallyFailed)",
        "Replay " + ns + "/half: PartiallyFailed — matched 4, delivered 3, failed 1",
        "  delivered 3 of 4 events; 1 failed: 503");
  }

  @Test
  void noWaitReturnsOnceCreated(@TestNamespace String ns) {
    grantOncall(ns);

    KubeCli run = KubeCli.run(as(oncall, ns, "replay", "--route", "orders", "--name", "later", "--no-wait"));

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("replay.rewind.dev/later created" + System.lineSeparator()
        + "Follow it: kubectl get replay later -n " + ns + " -w" + System.lineSeparator());
    assertThat(admin.resources(Replay.class).inNamespace(ns).withName("later").get()).isNotNull();
  }

  @Test
  void aUserWithoutRightsInTheNamespaceGetsForbiddenNamingItAndExitsOne(@TestNamespace String ns) {
    KubeCli replay = KubeCli.run(as(nobody, ns, "replay", "--route", "orders", "--state", "dead", "--dry-run"));
    KubeCli status = KubeCli.run(as(nobody, ns, "status"));
    KubeCli events = KubeCli.run(as(nobody, ns, "events", "--route", "orders"));

    for (KubeCli run : List.of(replay, status, events)) {
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.err()).as(run.toString()).startsWith("error: Forbidden: ")
          .contains("User \"" + nobody.name() + "\"", "in the namespace \"" + ns + "\"");
      assertThat(run.out()).isEmpty();
    }
    assertThat(replay.err()).contains("cannot create resource \"replays\" in API group \"rewind.dev\"");
    assertThat(events.err()).contains("cannot list resource \"events\" in API group \"query.rewind.dev\"");
    assertThat(admin.resources(Replay.class).inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void withoutTheReadApiTheReadCommandsSaySo(@TestNamespace String ns) {
    KubeCli events = KubeCli.run(asAdmin(ns, "events"));
    KubeCli trace = KubeCli.run(asAdmin(ns, "trace", "0193a5c2-0000-7000-8000-000000000001"));

    for (KubeCli run : List.of(events, trace)) {
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
      assertThat(run.err()).as(run.toString())
          .startsWith("error: the read API query.rewind.dev/v1alpha1 is not served by this cluster");
    }
  }

  @Test
  void statusPrintsEachRoutesHealthAndExitsOneWhenOneIsNotHealthy(@TestNamespace String ns) {
    grantOncall(ns);
    route(ns, "orders", "True", "Delivering", "events are delivered", 0, 0, null, 42, null);
    route(ns, "refunds", "False", "EventsDead", "3 events dead; replay them with a Replay", 5, 3,
        Instant.now().minusSeconds(125), 0, new RouteDelivery.LastFailure("503", 503, "2026-11-27T10:00:00Z"));

    KubeCli run = KubeCli.run(as(oncall, ns, "status"));

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo(
        "ROUTE    HEALTHY  REASON      BACKLOG  DEAD  OLDEST  DELIVERED (1m)  LAST FAILURE");
    assertThat(lines.get(1)).isEqualTo("orders   True     Delivering  0        0     -       42              -");
    assertThat(lines.get(2)).matches("refunds  False    EventsDead  5        3     2m\\ds    0               "
        + "503 at 2026-11-27T10:00:00Z");
    assertThat(lines.subList(3, lines.size()))
        .containsExactly("", "refunds: 3 events dead; replay them with a Replay");

    admin.resources(Route.class).inNamespace(ns).withName("refunds").delete();
    await().atMost(WAIT).until(() -> admin.resources(Route.class).inNamespace(ns).withName("refunds").get() == null);
    assertThat(KubeCli.run(as(oncall, ns, "status")).exitCode()).isZero();
  }

  @Test
  void pauseAndResumeSetTheRoutesPausedFieldAndAMissingRouteIsNamed(@TestNamespace String ns) {
    grantOncall(ns);
    route(ns, "orders", "True", "Delivering", "events are delivered", 0, 0, null, 42, null);
    var orders = admin.resources(Route.class).inNamespace(ns).withName("orders");

    KubeCli pause = KubeCli.run(asAdmin(ns, "pause", "orders"));
    assertThat(pause.exitCode()).as(pause.toString()).isZero();
    assertThat(pause.out()).startsWith("route.rewind.dev/orders (namespace " + ns + ") paused: its events are"
        + " journaled and held");
    assertThat(orders.get().getSpec().getPaused()).isTrue();
    assertThat(orders.get().getSpec().getDestination().getUrl()).as("the rest of the spec is left as it was")
        .isEqualTo("http://orders." + ns + ".svc/in");
    assertThat(KubeCli.run(asAdmin(ns, "pause", "orders")).out()).contains("was already paused");

    // On-call with read-only rights on Routes: the API server's Forbidden, and the Route stays paused.
    KubeCli forbidden = KubeCli.run(as(oncall, ns, "resume", "orders"));
    assertThat(forbidden.exitCode()).as(forbidden.toString()).isEqualTo(1);
    assertThat(forbidden.err()).startsWith("error: Forbidden: ").contains("cannot patch resource \"routes\"");
    assertThat(orders.get().getSpec().getPaused()).isTrue();

    KubeCli resume = KubeCli.run(asAdmin(ns, "resume", "orders"));
    assertThat(resume.exitCode()).as(resume.toString()).isZero();
    assertThat(resume.out()).contains("resumed: held events go out, oldest first.");
    assertThat(orders.get().getSpec().getPaused()).isFalse();

    KubeCli missing = KubeCli.run(asAdmin(ns, "pause", "ordres"));
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("error: route ordres not found in namespace " + ns
        + " (kubectl get routes.rewind.dev -n " + ns + " lists them)\n");
    assertThat(admin.resources(Route.class).inNamespace(ns).withName("ordres").get()).isNull();
  }

  private static void route(String ns, String name, String healthy, String reason, String message, long backlog,
      long dead, Instant oldest, long delivered, RouteDelivery.LastFailure failure) {
    Route route = Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: %s, namespace: %s}
        spec:
          destination: {url: "http://%s.%s.svc/in"}
        """.formatted(name, ns, name, ns), Route.class);
    admin.resource(route).create();
    RouteDelivery delivery = new RouteDelivery();
    delivery.setBacklog(backlog);
    delivery.setDead(dead);
    delivery.setOldestUndeliveredTime(oldest == null ? null : oldest.toString());
    delivery.setDeliveredRecently(delivered);
    delivery.setWindow("1m");
    delivery.setLastFailure(failure);
    Condition condition = new Condition();
    condition.setType(RouteStatus.HEALTHY);
    condition.setStatus(healthy);
    condition.setReason(reason);
    condition.setMessage(message);
    condition.setLastTransitionTime("2026-11-27T10:00:00Z");
    RouteStatus status = new RouteStatus();
    status.setDelivery(delivery);
    status.setConditions(List.of(condition));
    Route patch = new Route();
    patch.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    patch.setStatus(status);
    admin.resource(patch).patchStatus();
  }
}
