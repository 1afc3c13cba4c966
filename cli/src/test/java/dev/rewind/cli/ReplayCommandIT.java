package dev.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.WebhookSigner;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.store.Sender;
import dev.rewind.journal.store.Senders;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rewind replay}, {@code events} and {@code trace} in-process, against a real store and destination. */
class ReplayCommandIT {

  private static TestStore store;
  private HttpSink sink;
  @TempDir
  Path dir;
  private Path configDir;
  /** Each test works in a namespace of its own, so the journal's other rows are invisible to it. */
  private String ns;
  private static int tests;

  @BeforeAll
  static void store() {
    store = TestStore.create();
  }

  @AfterAll
  static void closeStore() {
    store.close();
  }

  @BeforeEach
  void files() throws IOException {
    ns = "cli-" + ++tests;
    sink = HttpSink.start();
    configDir = Files.createDirectories(dir.resolve("rewind.d"));
    Files.writeString(configDir.resolve("routes.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: quick}
        spec: {maxAttempts: 1}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: patient}
        spec:
          maxAttempts: 4
          backoff: {policy: fixed, initialDelay: 20ms, maxDelay: 20ms, jitter: 0}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: orders}
        spec:
          destination: {url: "%s"}
          retryPolicyRef: {name: quick}
        """.formatted(sink.url("/orders")));
  }

  @AfterEach
  void stopSink() {
    sink.close();
  }

  private Path replayFile(String name, String spec) throws IOException {
    return Files.writeString(dir.resolve(name + ".yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: %s}
        spec:
        %s
        """.formatted(name, spec.indent(2)));
  }

  private Cli replay(Path file, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("replay", "-f", file.toString(), "--config-dir",
        configDir.toString(), "--store", store.url(), "--namespace", ns, "--progress-every", "100ms"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private List<UUID> deadOrders(int n) {
    return JournalSeed.in(store).namespace(ns).route("orders", sink.url("/orders")).state(EventState.DEAD, "503", 1)
        .append(n);
  }

  @Test
  void replaysTheFileToTheEndAndPrintsTheSummary() throws IOException {
    List<UUID> events = deadOrders(25);

    Cli cli = replay(replayFile("failed-orders", "routeRef: {name: orders}\nrateLimit: 0"));

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out()).contains("Replaying 25 events",
        "Replay " + ns + "/failed-orders: Succeeded — matched 25, delivered 25, failed 0");
    assertThat(sink.received()).extracting(r -> r.header(AttemptRunner.EVENT_ID_HEADER))
        .containsExactlyInAnyOrderElementsOf(events.stream().map(UUID::toString).toList());
    assertThat(sink.received()).extracting(r -> r.header(AttemptRunner.REPLAY_HEADER)).containsOnly("failed-orders");
  }

  @Test
  void statusSaysWhichRouteHasDeadEventsAndIsHealthyAgainAfterTheReplay() throws IOException {
    deadOrders(3);
    JournalSeed.in(store).namespace(ns).route("payments", sink.url("/payments"))
        .state(EventState.DELIVERED, "delivered", 1).append(2);

    Cli sick = Cli.run("status", "--store", store.url(), "--namespace", ns);
    Cli replayed = replay(replayFile("failed-orders", "routeRef: {name: orders}\nrateLimit: 0"));
    Cli well = Cli.run("status", "--store", store.url(), "--namespace", ns);
    // What the README shows.
    Path output = Files.createDirectories(Path.of("target", "it-output")).resolve("rewind-status.txt");
    Files.writeString(output, "$ bin/rewind status\n" + sick.out() + "$ bin/rewind status    # after the replay\n"
        + well.out());

    assertThat(sick.exitCode()).as(sick.toString()).isEqualTo(1);
    assertThat(sick.out()).containsPattern("orders +False +EventsDead +0 +3 +- +0 +503 at ")
        .containsPattern("payments +True +Delivering +0 +0 +- +2 +-")
        .contains("orders: 3 events dead (3 in the last 1m)", "Replay of route orders selecting state dead");
    assertThat(replayed.exitCode()).as(replayed.toString()).isZero();
    assertThat(well.exitCode()).as(well.toString()).isZero();
    assertThat(well.out()).containsPattern("orders +True +Delivering +0 +0 +- +3 +-");
  }

  @Test
  void statusRefusesAWindowThatIsNotADurationNamingTheOption() {
    Cli cli = Cli.run("status", "--store", store.url(), "--window", "a minute");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--window: \"a minute\" is not a duration");
  }

  @Test
  void theOverridePolicyComesFromTheConfigDirectory() throws IOException {
    deadOrders(4);
    sink.failFirst(2, 503);

    Cli plain = replay(replayFile("plain", "routeRef: {name: orders}\nrateLimit: 0"));
    Cli patient = replay(replayFile("patient",
        "routeRef: {name: orders}\nrateLimit: 0\noverride: {retryPolicyRef: {name: patient}}"));

    assertThat(plain.exitCode()).as(plain.toString()).isEqualTo(1);
    assertThat(plain.out()).contains("Replay " + ns + "/plain: Failed — matched 4, delivered 0, failed 4");
    assertThat(patient.exitCode()).as(patient.toString()).isZero();
    assertThat(patient.out()).contains("Replay " + ns + "/patient: Succeeded — matched 4, delivered 4, failed 0");
    assertThat(sink.count()).isEqualTo(4 + 4 * 2);
  }

  @Test
  void aDryRunPrintsTheCountAndSampleAndDeliversNothing() throws IOException {
    List<UUID> events = deadOrders(3);

    Cli cli = replay(replayFile("look", "routeRef: {name: orders}\ndryRun: true"));

    assertThat(cli.exitCode()).as(cli.toString()).isZero();
    assertThat(cli.out()).contains("Replay " + ns + "/look: Previewed (dry run, nothing delivered) — matched 3");
    events.forEach(id -> assertThat(cli.out()).contains("    " + id));
    assertThat(sink.count()).isZero();
  }

  @Test
  void runningTheSameFileAgainReportsTheFinishedReplayAndDeliversNothingMore() throws IOException {
    deadOrders(5);
    Path file = replayFile("twice", "routeRef: {name: orders}\nrateLimit: 0");

    Cli first = replay(file);
    Cli second = replay(file);

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out()).contains("Replay " + ns + "/twice exists (Succeeded)",
        "Replay " + ns + "/twice: Succeeded — matched 5, delivered 5, failed 0");
    assertThat(sink.count()).isEqualTo(5);
  }

  @Test
  void aChangedSpecUnderAUsedNameIsRefused() throws IOException {
    deadOrders(1);
    replay(replayFile("renamed", "routeRef: {name: orders}"));

    Cli cli = replay(replayFile("renamed", "routeRef: {name: orders}\nconcurrency: 2"));

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("renamed.yaml: Replay \"renamed\": spec: Replay " + ns + "/renamed was"
        + " already started with a different spec");
  }

  @Test
  void aMalformedFileExitsNonZeroNamingTheFileAndField() throws IOException {
    Path file = replayFile("broken", "routeRef: {name: orders}\nrateLimit: -1\nstates: [lost]");

    Cli cli = replay(file);

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains(file + " (document 1, Replay \"broken\"): spec.rateLimit:",
        file + " (document 1, Replay \"broken\"): spec.states[0]:");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void anOverridePolicyMissingFromTheConfigDirectoryNamesTheField() throws IOException {
    Path file = replayFile("nowhere", "routeRef: {name: orders}\noverride: {retryPolicyRef: {name: absent}}");

    Cli cli = replay(file);

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains(file + " (Replay \"nowhere\"): spec.override.retryPolicyRef.name: RetryPolicy"
        + " \"absent\" not found in " + configDir);
  }

  @Test
  void aRouteMissingFromTheConfigDirectoryIsRefusedNamingTheFieldAndTheRoute() throws IOException {
    deadOrders(3);
    Path one = replayFile("misspelt", "routeRef: {name: ordesr}");
    Path some = replayFile("some", "routes: [orders, gone]");

    Cli misspelt = replay(one);
    Cli partly = replay(some);

    assertThat(misspelt.exitCode()).as(misspelt.toString()).isEqualTo(2);
    assertThat(misspelt.err()).contains(one + " (Replay \"misspelt\"): spec.routeRef.name: RouteNotFound: Route"
        + " \"ordesr\" not found in " + configDir + " (namespace " + ns + ")");
    assertThat(partly.exitCode()).as(partly.toString()).isEqualTo(2);
    assertThat(partly.err()).contains(some + " (Replay \"some\"): spec.routes: RouteNotFound: Route \"gone\"");
    assertThat(sink.count()).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.replays WHERE namespace = $1", ns)).isZero();
  }

  @Test
  void anOverrideDestinationTheAddressPolicyRefusesIsAnErrorBeforeAnythingIsSent() throws IOException {
    deadOrders(4);
    Path file = replayFile("metadata", "routeRef: {name: orders}\n"
        + "override: {destination: {url: \"http://169.254.169.254/latest/meta-data\"}}");

    Cli cli = replay(file);

    assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(2);
    assertThat(cli.err()).contains(file + " (Replay \"metadata\"): spec.override.destination.url: destination"
        + " http://169.254.169.254/latest/meta-data is refused by the address policy (address 169.254.169.254 is in"
        + " blocked range 169.254.0.0/16)");
    assertThat(sink.count()).isZero();
    assertThat(store.count("SELECT count(*) FROM rewind.replays WHERE namespace = $1", ns)).isZero();
  }

  @Test
  void theSidecarsDeliverySettingsApplyToTheReplayToo() throws IOException {
    deadOrders(2);
    Path toRoute = replayFile("to-route", "routeRef: {name: orders}\nrateLimit: 0");
    Path toLoopback = replayFile("to-loopback", "routeRef: {name: orders}\n"
        + "override: {destination: {url: \"http://localhost:9/elsewhere\"}}");

    Cli loopbackRefused;
    Cli overrideRefused;
    Cli rangeBlocked;
    try {
      System.setProperty(DeliverySettings.ALLOW_LOOPBACK, "false");
      loopbackRefused = replay(toRoute);
      overrideRefused = replay(toLoopback);
      System.setProperty(DeliverySettings.ALLOW_LOOPBACK, "true");
      System.setProperty(DeliverySettings.BLOCKED_CIDRS, "10.0.0.0/8, 127.0.0.0/8");
      rangeBlocked = replay(toRoute);
    } finally {
      System.clearProperty(DeliverySettings.ALLOW_LOOPBACK);
      System.clearProperty(DeliverySettings.BLOCKED_CIDRS);
    }
    // With the standalone defaults the same file delivers (the sink listens on loopback).
    Cli allowed = replay(toRoute);

    assertThat(loopbackRefused.exitCode()).as(loopbackRefused.toString()).isEqualTo(2);
    assertThat(loopbackRefused.err()).contains("Route \"orders\"): spec.destination.url: DestinationBlocked:")
        .contains("is loopback");
    assertThat(overrideRefused.exitCode()).as(overrideRefused.toString()).isEqualTo(2);
    assertThat(overrideRefused.err()).contains(toLoopback + " (Replay \"to-loopback\"): spec.override.destination.url:"
        + " destination http://localhost:9/elsewhere is refused by the address policy (host localhost is loopback)");
    assertThat(rangeBlocked.exitCode()).as(rangeBlocked.toString()).isEqualTo(2);
    assertThat(rangeBlocked.err()).contains("is in blocked range 127.0.0.0/8");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
    assertThat(allowed.out()).contains("Succeeded — matched 2, delivered 2");
    assertThat(sink.count()).isEqualTo(2);
  }

  @Test
  void aSettingThatDoesNotParseIsAnErrorNamingIt() throws IOException {
    Path file = replayFile("settings", "routeRef: {name: orders}");

    Cli cli;
    try {
      System.setProperty(DeliverySettings.BLOCKED_CIDRS, "10.0.0.0");
      cli = replay(file);
    } finally {
      System.clearProperty(DeliverySettings.BLOCKED_CIDRS);
    }

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("rewind.delivery.blocked-cidrs (REWIND_DELIVERY_BLOCKED_CIDRS): \"10.0.0.0\" is"
        + " not a CIDR range");
  }

  @Test
  void aSigningSecretMissingFromTheSecretsDirectoryIsNamedUpFront() throws IOException {
    deadOrders(2);
    Files.writeString(configDir.resolve("signed.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: signed}
        spec:
          destination: {url: "%s"}
          retryPolicyRef: {name: quick}
          signing: {secretRef: {name: webhook-hmac, key: key}}
        """.formatted(sink.url("/signed")));
    JournalSeed.in(store).namespace(ns).route("signed", sink.url("/signed")).state(EventState.DEAD, "503", 1)
        .append(2);
    Path file = replayFile("signed", "routeRef: {name: signed}\nrateLimit: 0");
    Path secrets = Files.createDirectories(dir.resolve("secrets"));

    Cli withoutDir = replay(file);
    Cli emptyDir = replay(file, "--secrets-dir", secrets.toString());
    Files.createDirectories(secrets.resolve("webhook-hmac"));
    Files.writeString(secrets.resolve("webhook-hmac").resolve("key"), "s3cret");
    Cli withSecret = replay(file, "--secrets-dir", secrets.toString());

    assertThat(withoutDir.exitCode()).as(withoutDir.toString()).isEqualTo(2);
    assertThat(withoutDir.err()).contains("(Route \"signed\"): spec.signing.secretRef: the route signs with secret"
        + " \"webhook-hmac\" key \"key\", but no --secrets-dir was given");
    assertThat(emptyDir.exitCode()).as(emptyDir.toString()).isEqualTo(2);
    assertThat(emptyDir.err()).contains("the route signs with secret \"webhook-hmac\" key \"key\", which is not in "
        + secrets + " (looked for " + secrets.resolve("webhook-hmac").resolve("key") + ")");
    assertThat(withSecret.exitCode()).as(withSecret.toString()).isZero();
    assertThat(sink.received()).hasSize(2)
        .allSatisfy(r -> assertThat(r.header(WebhookSigner.SIGNATURE)).isNotBlank());
  }

  @Test
  void noWaitFixesTheMatchedSetAndTheNextRunDeliversIt() throws IOException {
    deadOrders(6);
    Path file = replayFile("later", "routeRef: {name: orders}\nrateLimit: 0");

    Cli fixed = replay(file, "--no-wait");
    int afterFix = sink.count();
    deadOrders(2);
    Cli delivered = replay(file);

    assertThat(fixed.exitCode()).as(fixed.toString()).isZero();
    assertThat(fixed.out()).contains("Replay " + ns + "/later: Running — matched 6, delivered 0, failed 0,"
        + " remaining 6", "Nothing was delivered");
    assertThat(afterFix).isZero();
    assertThat(delivered.out()).contains("resuming it", "Replay " + ns + "/later: Succeeded — matched 6,"
        + " delivered 6");
    assertThat(sink.count()).isEqualTo(6);
  }

  @Test
  void eventsAndTraceShowWhatTheReplayDid() throws IOException {
    UUID event = JournalSeed.in(store).namespace(ns).route("orders", sink.url("/orders"))
        .state(EventState.DEAD, "503", 1)
        .sourceId(i -> "order-77").append(1).get(0);
    new Senders(store.store.pool()).record(new Sender(ns, "erp-0", "erp", Map.of("app", "erp", "version", "v1")))
        .await().atMost(Duration.ofSeconds(30));
    replay(replayFile("traced", "routeRef: {name: orders}\neventIds: [order-77]"));

    Cli events = Cli.run("events", "--route", "orders", "--event-id", "order-77", "--store", store.url(), "-n", ns);
    Cli trace = Cli.run("trace", "order-77", "--store", store.url(), "-n", ns);
    Cli byId = Cli.run("trace", event.toString(), "--store", store.url(), "-n", ns);

    assertThat(events.exitCode()).as(events.toString()).isZero();
    assertThat(events.out()).contains(event.toString(), "delivered", "order-77");
    assertThat(trace.exitCode()).as(trace.toString()).isZero();
    assertThat(trace.out()).contains("Event " + event + " (source id order-77)", "state         delivered after 2"
        + " attempts", "sender        erp (erp-0)", "labels        app=erp, version=v1");
    assertThat(trace.out().lines().filter(l -> l.matches("\\s+2\\s+replay\\s+traced\\s+delivered\\s+200\\s.*")))
        .hasSize(1);
    assertThat(trace.out().lines().filter(l -> l.matches("\\s+1\\s+initial\\s+-\\s+503\\s+503\\s.*"))).hasSize(1);
    assertThat(byId.out()).isEqualTo(trace.out());
  }

  @Test
  void anotherNamespacesEventsAreNeitherListedNorTraced() {
    UUID mine = deadOrders(1).get(0);
    UUID theirs = JournalSeed.in(store).namespace("team-b").route("orders", sink.url("/b")).append(1).get(0);

    Cli events = Cli.run("events", "--store", store.url(), "--limit", "500", "-n", ns);
    Cli trace = Cli.run("trace", theirs.toString(), "--store", store.url(), "-n", ns);
    Cli theirView = Cli.run("trace", theirs.toString(), "--store", store.url(), "--namespace", "team-b");

    assertThat(events.out()).contains(mine.toString()).doesNotContain(theirs.toString());
    assertThat(trace.exitCode()).isEqualTo(2);
    assertThat(trace.err()).contains("no event " + theirs + " in namespace " + ns);
    assertThat(theirView.exitCode()).isZero();
  }

  @Test
  void withoutStoreTheCommandsUseTheStoreARunningSidecarAdvertises() throws IOException {
    UUID mine = deadOrders(1).get(0);
    Path rewindDir = Files.createDirectories(dir.resolve(".rewind"));
    // What a standalone sidecar writes beside its data directory while it runs.
    Files.writeString(rewindDir.resolve("store.url"), store.url() + System.lineSeparator());

    Cli events = Cli.run("events", "--rewind-dir", rewindDir.toString(), "-n", ns);

    assertThat(events.exitCode()).as(events.toString()).isZero();
    assertThat(events.out()).contains(mine.toString());
    assertThat(events.err()).isEmpty();
  }
}
