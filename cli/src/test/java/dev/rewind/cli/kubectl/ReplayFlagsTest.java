package dev.rewind.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.replay.spec.ReplayFlowReference;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Flags to Replay: each flag lands in its field; what the API server would refuse is refused naming the flag. */
class ReplayFlagsTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:15:30Z"), ZoneOffset.UTC);

  private static Replay replay(String... args) {
    ReplayFlags flags = new ReplayFlags();
    new CommandLine(flags).parseArgs(args);
    return flags.toReplay("shop", CLOCK);
  }

  private static void refused(String message, String... args) {
    assertThatThrownBy(() -> replay(args)).isInstanceOf(KubeFailures.Invalid.class).hasMessage(message);
  }

  @Test
  void theLeastIsARouteAndEverythingElseIsLeftToTheCrdDefaults() {
    Replay replay = replay("--route", "orders");

    assertThat(replay.getApiVersion()).isEqualTo("rewind.dev/v1alpha1");
    assertThat(replay.getKind()).isEqualTo("Replay");
    assertThat(replay.getMetadata().getName()).isEqualTo("replay-20261127-101530");
    assertThat(replay.getMetadata().getNamespace()).isEqualTo("shop");
    ReplaySpec expected = new ReplaySpec();
    expected.setRoutes(List.of("orders"));
    assertThat(replay.getSpec()).isEqualTo(expected);
  }

  @Test
  void everyFlagLandsInItsField() {
    ReplaySpec spec = replay("--route", "orders", "--route", "refunds", "--route", "orders", "--state", "dead",
        "--state", "FAILED", "--since", "2h", "--until", "30m", "--correlation-id", "o-1", "--correlation-id", "o-2",
        "--type", "order.created", "--event-id", "e-1", "--last-outcome", "5xx", "--last-outcome", "timeout",
        "--sender", "checkout", "--retry-policy", "patient", "--rate-limit", "0", "--concurrency", "4",
        "--max-events", "500", "--dry-run", "--name", "orders-outage").getSpec();

    assertThat(spec.getRoutes()).containsExactly("orders", "refunds");
    assertThat(spec.getRouteRef()).isNull();
    assertThat(spec.getStates()).containsExactly(EventState.DEAD, EventState.FAILED);
    assertThat(spec.getSince()).isEqualTo("2h");
    assertThat(spec.getUntil()).isEqualTo("30m");
    assertThat(spec.getCorrelationIds()).containsExactly("o-1", "o-2");
    assertThat(spec.getTypes()).containsExactly("order.created");
    assertThat(spec.getEventIds()).containsExactly("e-1");
    assertThat(spec.getLastOutcome()).containsExactly("5xx", "timeout");
    assertThat(spec.getSenderWorkload()).isEqualTo("checkout");
    assertThat(spec.getOverride().getRetryPolicyRef().getName()).isEqualTo("patient");
    assertThat(spec.getOverride().getDestination()).isNull();
    // 0 is the CRD's "unlimited", kept as given rather than mistaken for "unset".
    assertThat(spec.getRateLimit()).isZero();
    assertThat(spec.getConcurrency()).isEqualTo(4);
    assertThat(spec.getMaxEvents()).isEqualTo(500);
    assertThat(spec.getDryRun()).isTrue();
    assertThat(replay("--route", "orders", "--name", "orders-outage").getMetadata().getName())
        .isEqualTo("orders-outage");
  }

  @Test
  void aFlowSelectsByItsVerdictWithStateAndHop() {
    assertThat(replay("--flow", "checkout").getSpec().getFlowRef())
        .isEqualTo(new ReplayFlowReference("checkout", null, null));
    ReplaySpec spec = replay("--flow", "checkout", "--flow-state", "failed", "--hop", "2", "--since", "1h")
        .getSpec();
    assertThat(spec.getFlowRef()).isEqualTo(new ReplayFlowReference("checkout",
        ReplayFlowReference.FlowState.FAILED, 2));
    assertThat(spec.getRoutes()).isNull();
    assertThat(spec.getStates()).isNull();
    assertThat(spec.getSince()).isEqualTo("1h");
  }

  @Test
  void theSelectionIsARouteOrAFlowNeverBothNorNeither() {
    refused("--route: say which events to replay: --route ROUTE (repeatable), or --flow FLOW");
    refused("--flow: cannot be combined with --route: the Flow's hops are the routes replayed",
        "--flow", "checkout", "--route", "orders");
    refused("--state: cannot be combined with --flow: the Flow's verdict chooses the events"
        + " (--flow-state broken|failed)", "--flow", "checkout", "--state", "dead");
    refused("--flow-state: only with --flow", "--route", "orders", "--flow-state", "broken");
    refused("--hop: only with --flow", "--route", "orders", "--hop", "1");
    refused("--flow-state: \"stuck\" is not broken or failed", "--flow", "checkout", "--flow-state", "stuck");
    refused("--hop: must be from 0 to 15, got 16", "--flow", "checkout", "--hop", "16");
  }

  @Test
  void valuesTheApiServerWouldRefuseAreRefusedNamingTheFlag() {
    assertThatThrownBy(() -> replay("--route", "orders", "--since", "yesterday"))
        .isInstanceOf(KubeFailures.Invalid.class).hasMessageStartingWith("--since: \"yesterday\" is neither");
    assertThatThrownBy(() -> replay("--route", "orders", "--until", "2026-13-01T00:00:00Z"))
        .isInstanceOf(KubeFailures.Invalid.class).hasMessageStartingWith("--until: ");
    refused("--since: must be at most 87600h (10 years), not 87601h", "--route", "orders", "--since", "87601h");
    refused("--until: must be later than --since", "--route", "orders", "--since", "1h", "--until", "2h");
    refused("--until: must be later than --since", "--route", "orders", "--since", "2026-11-27T10:00:00Z",
        "--until", "2026-11-27T09:00:00Z");
    refused("--state: \"lost\" is not one of pending, delivering, delivered, failed, dead",
        "--route", "orders", "--state", "lost");
    refused("--route: \"Orders\" is not a valid Route name (lower-case letters, digits, '-' and '.', starting and"
        + " ending with a letter or digit)", "--route", "Orders");
    refused("--last-outcome: \"600\" is not a status code (503), class (5xx), range (500-504), connect-failure,"
        + " timeout or tls-failure", "--route", "orders", "--last-outcome", "600");
    refused("--rate-limit: must be from 0 to 100000 (0 means unlimited), got -1", "--route", "orders",
        "--rate-limit", "-1");
    refused("--max-events: must be from 1 to 10000000, got 0", "--route", "orders", "--max-events", "0");
    refused("--concurrency: must be from 1 to 256, got 300", "--route", "orders", "--concurrency", "300");
    assertThatThrownBy(() -> replay("--route", "orders", "--name", "Bad_Name"))
        .isInstanceOf(KubeFailures.Invalid.class).hasMessageStartingWith("--name: \"Bad_Name\" is not a valid");
    assertThatThrownBy(() -> replay("--route", "orders", "--sender", "a b"))
        .isInstanceOf(KubeFailures.Invalid.class).hasMessageStartingWith("--sender: ");
  }

  @Test
  void theCommandPrintsTheReplayAsYamlWithoutACluster() {
    KubeCli run = KubeCli.run("replay", "--route", "orders", "--state", "dead", "--dry-run", "-n", "shop",
        "--name", "look-first", "-o", "yaml");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("apiVersion: \"rewind.dev/v1alpha1\"", "kind: \"Replay\"", "name: \"look-first\"",
        "namespace: \"shop\"", "dryRun: true", "- \"dead\"", "- \"orders\"");
  }

  @Test
  void aBadCombinationExitsTwoNamingTheFlag() {
    KubeCli run = KubeCli.run("replay", "--flow", "checkout", "--state", "dead", "-n", "shop", "-o", "yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --state: cannot be combined with --flow");
    assertThat(run.out()).isEmpty();
  }
}
