package dev.rewind.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.ToolResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad values stop {@code helm template} (and so install and upgrade) before anything reaches the cluster, with a
 * message that names the key: values.schema.json for types, enums, patterns and unknown keys, the chart's own
 * checks for rules that span keys.
 */
@KubeApiTest
class ChartValuesRejectedIT {

  /** helm arguments, then what the error must say: the key and the problem. */
  static Stream<Arguments> badValues() {
    return Stream.of(
        bad(List.of("--set", "operator.replicas=0"), "/operator/replicas", "minimum: got 0, want 1"),
        bad(List.of("--set-string", "operator.replicas=two"), "/operator/replicas", "got string, want integer"),
        bad(List.of("--set", "operator.replica=3"), "/operator", "additional properties 'replica' not allowed"),
        bad(List.of("--set", "injector.failurePolicy=Never"), "/injector/failurePolicy",
            "value must be one of 'Ignore', 'Fail'"),
        bad(List.of("--set", "injector.tls.mode=vault"), "/injector/tls/mode",
            "value must be one of 'generated', 'cert-manager'"),
        bad(List.of("--set", "operator.resyncInterval=5min"), "/operator/resyncInterval", "does not match pattern"),
        bad(List.of("--set", "injector.timeout=45s"), "/injector/timeout", "does not match pattern"),
        bad(List.of("--set", "injector.sidecar.resources.memoryLimit=lots"),
            "/injector/sidecar/resources/memoryLimit", "does not match pattern"),
        bad(List.of("--set", "operator.resources.requests.cpu=fast"), "/operator/resources/requests/cpu",
            "does not match pattern"),
        bad(List.of("--set", "operator.blockedCidrs={10.0.0.0/33}"), "/operator/blockedCidrs/0",
            "does not match pattern"),
        bad(List.of("--set", "operator.watchNamespaces={Team_A}"), "/operator/watchNamespaces/0",
            "does not match pattern"),
        bad(List.of("--set", "store.url=mysql://db/rewind"), "/store/url", "does not match pattern"),
        bad(List.of("--set", "store.poolSize=0"), "/store/poolSize", "minimum: got 0, want 1"),
        bad(List.of("--set", "postgresql.enabled=yes"), "/postgresql/enabled", "got string, want boolean"),
        bad(List.of("--set", "injector.tls.certManager.issuerRef.kind=Vault"),
            "/injector/tls/certManager/issuerRef/kind", "value must be one of 'Issuer', 'ClusterIssuer'"),
        bad(List.of("--set-json", "injector.excludedNamespaces=[]"), "/injector/excludedNamespaces",
            "minItems: got 0, want 1"),
        bad(List.of("--set", "storage.size=1Gi"), "at ''", "additional properties 'storage' not allowed"),
        // Alert thresholds (docs/alerts.md).
        bad(List.of("--set", "monitoring.prometheusRule.eventsDead.threshold=0"),
            "/monitoring/prometheusRule/eventsDead/threshold", "minimum: got 0, want 1"),
        bad(List.of("--set-string", "monitoring.prometheusRule.eventsDead.threshold=some"),
            "/monitoring/prometheusRule/eventsDead/threshold", "got string, want integer"),
        bad(List.of("--set", "monitoring.prometheusRule.backlog.olderThan=15min"),
            "/monitoring/prometheusRule/backlog/olderThan", "does not match pattern"),
        bad(List.of("--set", "monitoring.prometheusRule.backlog.olderThan=0m"),
            "/monitoring/prometheusRule/backlog/olderThan", "does not match pattern"),
        bad(List.of("--set", "monitoring.prometheusRule.healthStale.olderThan=-5m"),
            "/monitoring/prometheusRule/healthStale/olderThan", "does not match pattern"),
        bad(List.of("--set", "monitoring.prometheusRule.destinationFailing.for=ten"),
            "/monitoring/prometheusRule/destinationFailing/for", "does not match pattern"),
        // A window without its unit.
        bad(List.of("--set", "monitoring.prometheusRule.storeUnavailable.window=5"),
            "/monitoring/prometheusRule/storeUnavailable/window", "got number, want string"),
        bad(List.of("--set", "monitoring.prometheusRule.operatorDown.severity=page"),
            "/monitoring/prometheusRule/operatorDown/severity", "value must be one of 'critical', 'warning', 'info'"),
        bad(List.of("--set", "monitoring.prometheusRule.alertLabels.team-name=payments"),
            "/monitoring/prometheusRule/alertLabels", "additional properties 'team-name' not allowed"),
        bad(List.of("--set", "monitoring.prometheusRule.runbookBaseUrl=docs/alerts.md"),
            "/monitoring/prometheusRule/runbookBaseUrl", "does not match pattern"),
        bad(List.of("--set", "monitoring.prometheusRule.healthStale.treshold=5m"),
            "/monitoring/prometheusRule/healthStale", "additional properties 'treshold' not allowed"),
        bad(List.of("--set", "monitoring.podMonitor.interval=0s"), "/monitoring/podMonitor/interval",
            "does not match pattern"),
        // Rules across keys, from templates/_helpers.tpl.
        bad(List.of("--set", "store.url=postgresql://rewind:hunter2@db:5432/rewind"), "store.url",
            "must not carry a password"),
        bad(List.of("--set", "store.existingSecret=rewind-store", "--set", "store.password=placeholder"),
            "store.existingSecret and store.password", "keep one"),
        bad(List.of("--set", "store.existingSecret=rewind-store",
                "--set", "injector.sidecar.storeSecret.namespaces={erp}"),
            "injector.sidecar.storeSecret.namespaces", "create the Secret in each namespace yourself"),
        bad(List.of("--set", "injector.namespaces={rewind-system}"), "injector.namespaces",
            "must not contain the release namespace rewind-system"),
        bad(List.of("--set", "monitoring.prometheusRule.enabled=true",
                "--set", "monitoring.prometheusRule.storeUnavailable.window=45s"),
            "monitoring.prometheusRule.storeUnavailable.window (45s)",
            "at least twice monitoring.podMonitor.interval (30s)"),
        bad(List.of("--set", "monitoring.prometheusRule.enabled=true",
                "--set", "monitoring.serviceMonitor.interval=20m"),
            "monitoring.prometheusRule.replayFailed.window (30m)",
            "at least twice monitoring.serviceMonitor.interval (20m)"));
  }

  private static Arguments bad(List<String> args, String key, String problem) {
    return Arguments.of(String.join(" ", args), args, key, problem);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void isRejectedNamingTheKey(String title, List<String> args, String key, String problem, KubeTestBed kube) {
    ToolResult rendered = Chart.template(kube, "rewind", "rewind-system", args.toArray(String[]::new));

    assertThat(rendered.exitCode()).as("exit code; stdout:%n%s", rendered.stdout()).isNotZero();
    assertThat(rendered.stdout()).as("nothing is rendered").isEmpty();
    assertThat(rendered.stderr()).contains(key).contains(problem);
  }
}
