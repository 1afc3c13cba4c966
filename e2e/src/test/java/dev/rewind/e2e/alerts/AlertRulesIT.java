package dev.rewind.e2e.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.v1alpha1.common.EventState;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.e2e.install.Chart;
import dev.rewind.e2e.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import dev.rewind.testbed.ToolResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules, checked by the real tools: the PrometheusRule rendered by helm, its groups handed to
 * {@code promtool check rules}, and {@code promtool test rules} run on the unit tests of
 * {@code charts/rewind/tests/alerts/} (input series for every alert: when it fires, and when it stays silent). The
 * kubectl command an alert offers for recovery is run against a real API server.
 */
@KubeApiTest
class AlertRulesIT {

  static final Path TESTS = Chart.DIR.resolve("tests/alerts");

  static final Set<String> ALERTS = Set.of("RewindEventsDead", "RewindBacklogOld", "RewindDestinationFailing",
      "RewindSidecarStoreUnavailable", "RewindReplayFailed", "RewindOperatorDown", "RewindRouteHealthStale",
      "RewindFlowBroken", "RewindCircuitOpen");

  @Test
  void theRenderedRulesPassPromtoolCheckRules(KubeTestBed kube) {
    Path rules = PrometheusTools.renderRules(kube, PrometheusTools.OUTPUT.resolve("check-defaults"));

    ToolResult checked = PrometheusTools.promtool(rules.getParent(), "check", "rules", rules.toString());

    assertThat(checked.exitCode()).as("promtool check rules:%n%s%n%s", checked.stdout(), checked.stderr())
        .isZero();
    assertThat(checked.stdout()).contains("SUCCESS: " + ALERTS.size() + " rules found");
    assertThat(PrometheusTools.alerts(rules)).containsOnlyKeys(ALERTS);
  }

  @Test
  void everyOptionRendersRulesThatPassPromtoolCheckRules(KubeTestBed kube) {
    Path rules = PrometheusTools.renderRules(kube, PrometheusTools.OUTPUT.resolve("check-all-options"),
        "-f", Chart.CI_VALUES.resolve("all-options-values.yaml").toString());

    ToolResult checked = PrometheusTools.promtool(rules.getParent(), "check", "rules", rules.toString());

    assertThat(checked.exitCode()).as("promtool check rules:%n%s%n%s", checked.stdout(), checked.stderr())
        .isZero();
    Map<String, Map<String, Object>> alerts = PrometheusTools.alerts(rules);
    // all-options-values.yaml turns RewindReplayFailed off and sets the rest.
    assertThat(alerts).doesNotContainKey("RewindReplayFailed").hasSize(ALERTS.size() - 1);
    assertThat(alerts.get("RewindEventsDead")).containsEntry("for", "2m")
        .extracting(r -> r.get("expr")).asString().endsWith(">= 5");
    assertThat(alerts.get("RewindBacklogOld")).extracting(r -> r.get("expr")).asString().endsWith("> 3600");
    assertThat(alerts.get("RewindEventsDead").get("labels"))
        .isEqualTo(Map.of("severity", "warning", "team", "platform"));
    assertThat(alerts.get("RewindEventsDead").get("annotations")).asInstanceOf(InstanceOfAssertFactories.MAP)
        .containsEntry("runbook_url", "https://runbooks.example.com/rewind/alerts.md#rewindeventsdead")
        .extractingByKey("recovery").asString().contains("\"since\":\"48h\"");
    assertThat(alerts.get("RewindOperatorDown").get("expr")).isEqualTo("absent(up{job=\"rewind-operator\"} == 1)");
  }

  @Test
  void theUnitTestsOfEveryAlertPass(KubeTestBed kube) throws IOException {
    Path dir = PrometheusTools.OUTPUT.resolve("unit-tests");
    PrometheusTools.renderRules(kube, dir);
    List<String> files = new ArrayList<>();
    try (Stream<Path> tests = Files.list(TESTS)) {
      for (Path test : tests.filter(f -> f.getFileName().toString().endsWith(".test.yaml")).sorted().toList()) {
        Files.copy(test, dir.resolve(test.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        files.add(test.getFileName().toString());
      }
    }
    assertThat(files).isNotEmpty();

    List<String> command = new ArrayList<>(List.of("test", "rules"));
    command.addAll(files);
    ToolResult tested = PrometheusTools.promtool(dir, command.toArray(String[]::new));

    assertThat(tested.exitCode()).as("promtool test rules:%n%s%n%s", tested.stdout(), tested.stderr()).isZero();
    assertThat(tested.stdout()).doesNotContain("FAILED");
    // Every alert has a case where it fires and a case where it stays silent.
    Map<String, Set<String>> cases = new TreeMap<>();
    for (String file : files) {
      @SuppressWarnings("unchecked")
      Map<String, Object> test = PrometheusTools.yaml().readValue(dir.resolve(file).toFile(), Map.class);
      for (Object group : (List<?>) test.get("tests")) {
        for (Object ruleTest : (List<?>) ((Map<?, ?>) group).get("alert_rule_test")) {
          Map<?, ?> expectation = (Map<?, ?>) ruleTest;
          List<?> expected = (List<?>) expectation.get("exp_alerts");
          cases.computeIfAbsent((String) expectation.get("alertname"), k -> new TreeSet<>())
              .add(expected == null || expected.isEmpty() ? "silent" : "fires");
        }
      }
    }
    assertThat(cases.keySet()).containsExactlyInAnyOrderElementsOf(ALERTS);
    assertThat(cases).allSatisfy((alert, kinds) -> assertThat(kinds).as(alert).containsExactly("fires", "silent"));
  }

  @Test
  void theDeadEventsRecoveryCommandCreatesAReplayDryRunOfTheRoute(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) {
    Crds.install(admin);
    Path rules = PrometheusTools.renderRules(kube, PrometheusTools.OUTPUT.resolve("recovery"));
    @SuppressWarnings("unchecked")
    String recovery = ((Map<String, String>) PrometheusTools.alerts(rules).get("RewindEventsDead")
        .get("annotations")).get("recovery");
    // What Prometheus makes of it for an alert on route orders of namespace ns.
    String command = recovery.replace("{{ $labels.namespace }}", ns).replace("{{ $labels.route }}", "orders");
    assertThat(command).doesNotContain("{{");

    ToolResult created = runShell(kube, command);

    assertThat(created.exitCode()).as("%s%n%s%n%s", command, created.stdout(), created.stderr()).isZero();
    assertThat(created.stdout()).startsWith("replay.rewind.dev/orders-dead-").contains("created");
    List<Replay> replays = admin.resources(Replay.class).inNamespace(ns).list().getItems();
    assertThat(replays).singleElement().satisfies(replay -> {
      assertThat(replay.getMetadata().getName()).startsWith("orders-dead-");
      assertThat(replay.getSpec().getRouteRef().getName()).isEqualTo("orders");
      assertThat(replay.getSpec().getStates()).containsExactly(EventState.DEAD);
      assertThat(replay.getSpec().getSince()).isEqualTo("720h");
      assertThat(replay.getSpec().getDryRun()).isTrue();
    });
  }

  @Test
  void theReplayFailedRecoveryCommandListsTheNamespacesReplays(KubeTestBed kube, KubernetesClient admin,
      @TestNamespace String ns) {
    Crds.install(admin);
    Path rules = PrometheusTools.renderRules(kube, PrometheusTools.OUTPUT.resolve("recovery-replays"));
    @SuppressWarnings("unchecked")
    String recovery = ((Map<String, String>) PrometheusTools.alerts(rules).get("RewindReplayFailed")
        .get("annotations")).get("recovery");

    ToolResult listed = runShell(kube, recovery.replace("{{ $labels.namespace }}", ns));

    assertThat(listed.exitCode()).as("%s%n%s", listed.stdout(), listed.stderr()).isZero();
  }

  /** Runs a command line as a shell would, kubectl of the test bed first on PATH, its kubeconfig in force. */
  private static ToolResult runShell(KubeTestBed kube, String commandLine) {
    return PrometheusTools.run(List.of("bash", "-c", commandLine), PrometheusTools.OUTPUT,
        Map.of("PATH", kube.binDir() + ":" + System.getenv("PATH"), "KUBECONFIG", kube.kubeconfig().toString()),
        60);
  }
}
