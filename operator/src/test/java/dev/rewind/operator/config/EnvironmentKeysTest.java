package dev.rewind.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentKeysTest {

  @Test
  void everySettingOfBothMappingsIsKnownByItsEnvironmentName() {
    assertThat(EnvironmentKeys.known()).contains("rewind.store.url", "rewind.operator.namespaces",
        "rewind.retention.interval", "rewind.takeover.after", "rewind.replay.signing-secret-namespaces",
        "rewind.injector.webhook.failure-policy");
    Map<String, String> env = Map.of("REWIND_STORE_URL", "x", "REWIND_STORE_POOL_SIZE", "4",
        "REWIND_OPERATOR_NAMESPACES", "a,b", "REWIND_TAKEOVER_AFTER", "5m",
        "REWIND_REPLAY_SIGNING_SECRET_NAMESPACES", "a", "REWIND_INJECTOR_WEBHOOK_FAILURE_POLICY", "Ignore",
        "REWIND_STORE_PASSWORD", "secret", "HOSTNAME", "pod-1", "PATH", "/bin");

    assertThat(EnvironmentKeys.unknown(env, EnvironmentKeys.known())).isEmpty();
  }

  @Test
  void aMisspeltSettingStopsTheStartNamingIt() {
    Map<String, String> env = new HashMap<>(Map.of("REWIND_STORE_URL", "x", "REWIND_TAKEOVER_AFTR", "5m",
        "REWIND_RETENTION_DEAD_", "1d"));

    assertThat(EnvironmentKeys.unknown(env, EnvironmentKeys.known()))
        .isEqualTo(List.of("REWIND_RETENTION_DEAD_", "REWIND_TAKEOVER_AFTR"));
    assertThatThrownBy(() -> EnvironmentKeys.check(env))
        .hasMessageStartingWith("unknown Rewind settings in the environment: REWIND_RETENTION_DEAD_ (did you mean "
            + "REWIND_RETENTION_DEAD?), REWIND_TAKEOVER_AFTR (did you mean REWIND_TAKEOVER_AFTER?)");
  }

  @Test
  void theServiceLinksOfTheChartsInjectorServiceDoNotStopTheOperator() {
    // The kubelet writes these into the operator's pod for the chart's Service rewind-sidecar-injector.
    Map<String, String> env = Map.of("REWIND_STORE_URL", "x",
        "REWIND_SIDECAR_INJECTOR_SERVICE_HOST", "10.96.4.2", "REWIND_SIDECAR_INJECTOR_SERVICE_PORT", "443",
        "REWIND_SIDECAR_INJECTOR_SERVICE_PORT_WEBHOOK", "443", "REWIND_SIDECAR_INJECTOR_PORT", "tcp://10.96.4.2:443",
        "REWIND_SIDECAR_INJECTOR_PORT_443_TCP", "tcp://10.96.4.2:443",
        "REWIND_SIDECAR_INJECTOR_PORT_443_TCP_PROTO", "tcp", "REWIND_SIDECAR_INJECTOR_PORT_443_TCP_PORT", "443",
        "REWIND_SIDECAR_INJECTOR_PORT_443_TCP_ADDR", "10.96.4.2");

    assertThat(EnvironmentKeys.unknown(env, EnvironmentKeys.known())).isEmpty();
  }
}
