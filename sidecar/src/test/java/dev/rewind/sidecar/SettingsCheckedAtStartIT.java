package dev.rewind.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.testing.SidecarJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings are checked before the sidecar starts anything, in the real process and from the environment, where
 * Kubernetes puts them: a typo or a value out of bounds stops it, and the message says which setting.
 */
class SettingsCheckedAtStartIT {

  @Test
  void aMisspeltVariableStopsTheSidecarNamingItAndTheSettingMeant(@TempDir Path dir) {
    Path data = dir.resolve("store").resolve("pgdata");
    SidecarJvm sidecar = SidecarJvm.launch(standalone(dir, data, Map.of("REWIND_DELIVERY_CONCURENCY", "8")),
        List.of(), dir);

    assertThat(sidecar.awaitExit(Duration.ofSeconds(90))).isEqualTo(1);
    assertThat(sidecar.stdout()).contains("unknown Rewind setting in the environment: REWIND_DELIVERY_CONCURENCY"
        + " (did you mean REWIND_DELIVERY_CONCURRENCY?)");
    assertThat(data.getParent()).as("stopped before the embedded store was started").doesNotExist();
  }

  @Test
  void valuesOutOfBoundsStopTheSidecarNamingEachSetting(@TempDir Path dir) {
    Path data = dir.resolve("store").resolve("pgdata");
    SidecarJvm sidecar = SidecarJvm.launch(standalone(dir, data, Map.of("REWIND_DELIVERY_CONCURRENCY", "0",
        "REWIND_CAPTURE_PORT", "65536", "REWIND_STORE_WRITE_TIMEOUT", "0s")), List.of(), dir);

    assertThat(sidecar.awaitExit(Duration.ofSeconds(90))).isEqualTo(1);
    assertThat(sidecar.stdout()).contains("invalid Rewind settings: ")
        .contains("rewind.delivery.concurrency (REWIND_DELIVERY_CONCURRENCY) must be at least 1, not 0")
        .contains("rewind.capture.port (REWIND_CAPTURE_PORT) must be a port in 0..65535 (0: any free one), not 65536")
        .contains("rewind.store.write-timeout (REWIND_STORE_WRITE_TIMEOUT) must be longer than zero, not PT0S");
    assertThat(data.getParent()).as("stopped before the embedded store was started").doesNotExist();
  }

  /** A standalone sidecar's environment, with its HTTP ports free ones, plus {@code extra}. */
  private static Map<String, String> standalone(Path dir, Path data, Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "REWIND_CONFIG_DIR", dir.resolve("routes").toString(),
        "REWIND_STORE_EMBEDDED_DATA_DIR", data.toString(),
        // Quarkus binds these before the sidecar's own start: fixed ports could be taken on a shared machine.
        "QUARKUS_HTTP_PORT", "0",
        "QUARKUS_MANAGEMENT_PORT", "0"));
    env.putAll(extra);
    return env;
  }
}
