package dev.rewind.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.journal.config.EnvironmentCheck;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnownSettingsTest {

  @Test
  void theKnownSettingsAreTheMappingsOwn() {
    // Read from SidecarConfig: a setting added there is known at once, the embedded store's port included.
    assertThat(KnownSettings.properties()).contains("rewind.mode", "rewind.store.url", "rewind.store.password",
        "rewind.store.embedded-port", "rewind.delivery.concurrency", "rewind.retention.interval");
    assertThat(KnownSettings.properties()).allMatch(p -> p.startsWith("rewind."));
  }

  @Test
  void everyKnownSettingMayBeGivenInTheEnvironment() {
    Map<String, String> environment = new HashMap<>(Map.of("PATH", "/bin", "HOSTNAME", "pod-1"));
    KnownSettings.properties().forEach(p -> environment.put(EnvironmentCheck.environmentName(p), "x"));

    assertThatNoException().isThrownBy(() -> KnownSettings.checkEnvironment(environment));
  }

  @Test
  void aMisspeltVariableIsRefusedNamingItAndTheSettingMeant() {
    Map<String, String> environment = Map.of("REWIND_MODE", "cluster", "REWIND_DELIVERY_CONCURENCY", "8");

    assertThatThrownBy(() -> KnownSettings.checkEnvironment(environment))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown Rewind setting in the environment: REWIND_DELIVERY_CONCURENCY (did you mean"
            + " REWIND_DELIVERY_CONCURRENCY?); the settings are listed in " + KnownSettings.LISTED_IN);
  }

  @Test
  void anOperatorOnlySettingIsUnknownToTheSidecar() {
    // The takeover belongs to the operator's leader; set on a sidecar it would do nothing.
    assertThatThrownBy(() -> KnownSettings.checkEnvironment(Map.of("REWIND_TAKEOVER_AFTER", "5m")))
        .hasMessageContaining("REWIND_TAKEOVER_AFTER");
  }
}
