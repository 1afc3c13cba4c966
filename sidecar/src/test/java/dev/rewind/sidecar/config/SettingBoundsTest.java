package dev.rewind.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SettingBoundsTest {

  @Test
  void theDefaultsAreWithinBounds() {
    assertThat(SettingBounds.problems(ConfiguredSidecar.of(Map.of()))).isEmpty();
  }

  static Stream<Arguments> outOfBounds() {
    return Stream.of(
        Arguments.of("rewind.delivery.concurrency", "0", "must be at least 1, not 0"),
        Arguments.of("rewind.delivery.concurrency", "-3", "must be at least 1, not -3"),
        Arguments.of("rewind.delivery.lease", "-1s", "must be longer than zero, not PT-1S"),
        Arguments.of("rewind.delivery.lease", "0s", "must be longer than zero, not PT0S"),
        Arguments.of("rewind.delivery.poll-interval", "-500ms", "must be longer than zero, not PT-0.5S"),
        Arguments.of("rewind.delivery.shutdown-grace", "-1s", "must not be negative, not PT-1S"),
        Arguments.of("rewind.delivery.response-body-limit", "-1", "must be at least 0, not -1"),
        Arguments.of("rewind.delivery.memory-budget", "0", "must be at least 1, not 0"),
        Arguments.of("rewind.capture.port", "65536", "must be a port in 0..65535 (0: any free one), not 65536"),
        Arguments.of("rewind.capture.port", "-1", "must be a port in 0..65535 (0: any free one), not -1"),
        Arguments.of("rewind.proxy.port", "70000", "must be a port in 0..65535 (0: any free one), not 70000"),
        Arguments.of("rewind.store.embedded-port", "65536",
            "must be a port in 0..65535 (0: any free one), not 65536"),
        Arguments.of("rewind.capture.max-body-size", "0", "must be at least 1, not 0"),
        Arguments.of("rewind.store.pool-size", "0", "must be at least 1, not 0"),
        Arguments.of("rewind.store.write-timeout", "0s", "must be longer than zero, not PT0S"),
        Arguments.of("rewind.store.write-timeout", "-2s", "must be longer than zero, not PT-2S"),
        Arguments.of("rewind.retention.delivered", "0s", "must be longer than zero, not PT0S"),
        Arguments.of("rewind.retention.dead", "-1h", "must be longer than zero, not PT-1H"),
        Arguments.of("rewind.retention.interval", "0s", "must be longer than zero, not PT0S"),
        Arguments.of("rewind.namespace", " ", "must not be blank"),
        Arguments.of("rewind.workload", " ", "must not be blank"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("outOfBounds")
  void aValueOutOfBoundsIsRefusedNamingTheSettingAndItsVariable(String property, String value, String problem) {
    SidecarConfig config = ConfiguredSidecar.of(Map.of(property, value));

    assertThat(SettingBounds.problems(config)).containsExactly(property + " ("
        + dev.rewind.journal.config.EnvironmentCheck.environmentName(property) + ") " + problem);
    assertThat(KnownSettings.properties()).as("the problem names a setting that exists").contains(property);
    assertThatThrownBy(() -> SettingBounds.check(config)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid Rewind setting: " + property + " ("
            + dev.rewind.journal.config.EnvironmentCheck.environmentName(property) + ") " + problem);
  }

  @Test
  void everyValueOutOfBoundsIsNamedAtOnce() {
    SidecarConfig config = ConfiguredSidecar.of(Map.of("rewind.delivery.concurrency", "0",
        "rewind.store.pool-size", "0", "rewind.capture.port", "65536"));

    assertThatThrownBy(() -> SettingBounds.check(config))
        .hasMessageStartingWith("invalid Rewind settings: ")
        .hasMessageContaining("rewind.store.pool-size (REWIND_STORE_POOL_SIZE) must be at least 1, not 0")
        .hasMessageContaining("rewind.capture.port (REWIND_CAPTURE_PORT) must be a port in 0..65535")
        .hasMessageContaining("rewind.delivery.concurrency (REWIND_DELIVERY_CONCURRENCY) must be at least 1, not 0");
  }

  @Test
  void theEdgesOfEachRangeAreAccepted() {
    SidecarConfig config = ConfiguredSidecar.of(Map.ofEntries(
        Map.entry("rewind.delivery.concurrency", "1"),
        Map.entry("rewind.delivery.lease", "1ms"),
        Map.entry("rewind.delivery.poll-interval", "1ms"),
        Map.entry("rewind.delivery.shutdown-grace", "0s"),
        Map.entry("rewind.delivery.response-body-limit", "0"),
        Map.entry("rewind.delivery.memory-budget", "1"),
        Map.entry("rewind.capture.port", "0"),
        Map.entry("rewind.proxy.port", "65535"),
        Map.entry("rewind.store.embedded-port", "65535"),
        Map.entry("rewind.capture.max-body-size", "1"),
        Map.entry("rewind.store.pool-size", "1"),
        Map.entry("rewind.store.write-timeout", "1ms")));

    assertThatNoException().isThrownBy(() -> SettingBounds.check(config));
  }
}
