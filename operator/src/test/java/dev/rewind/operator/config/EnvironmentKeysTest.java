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
        .hasMessageStartingWith("unknown Rewind settings in the environment: REWIND_RETENTION_DEAD_, "
            + "REWIND_TAKEOVER_AFTR");
  }

  @Test
  void environmentNamesFollowSmallRyesRule() {
    assertThat(EnvironmentKeys.environmentName("rewind.replay.signing-secret-namespaces"))
        .isEqualTo("REWIND_REPLAY_SIGNING_SECRET_NAMESPACES");
    assertThat(EnvironmentKeys.environmentName("rewind.operator.blocked-cidrs[*]"))
        .isEqualTo("REWIND_OPERATOR_BLOCKED_CIDRS");
  }
}
