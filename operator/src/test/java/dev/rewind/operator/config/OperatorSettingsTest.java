package dev.rewind.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.journal.store.Retention;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void extraBlockedRangesAreRefusedOnTopOfTheDefaults() {
    OperatorSettings settings = settings(List.of("10.96.0.0/12"));

    assertThat(settings.addressPolicy().refusalForHost("10.96.0.10")).contains("10.96.0.0/12");
    assertThat(settings.addressPolicy().refusalForHost("169.254.169.254")).contains("169.254.0.0/16");
    assertThat(settings.addressPolicy().refusalForHost("127.0.0.1")).contains("loopback");
    assertThat(settings.addressPolicy().refusalForHost("service-b.orders.svc")).isNull();
  }

  @Test
  void aMalformedRangeStopsTheStart() {
    assertThatThrownBy(() -> settings(List.of("10.0.0.0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a CIDR range");
  }

  @Test
  void noNamespacesMeansAll() {
    assertThat(settings(List.of()).watchesAllNamespaces()).isTrue();
    assertThat(new OperatorSettings(Set.of("a"), List.of(), Duration.ofMinutes(5), Duration.ofSeconds(1), null)
        .watchesAllNamespaces()).isFalse();
  }

  @Test
  void theLeaderAppliesRetentionByDefaultWithTheDocumentedPeriods() {
    OperatorSettings.RetentionSchedule retention = ConfiguredSettings.of(Map.of(), Map.of()).retention();

    assertThat(retention.retention()).isEqualTo(Retention.DEFAULT);
    assertThat(retention.retention().delivered()).isEqualTo(Duration.ofDays(7));
    assertThat(retention.retention().dead()).isEqualTo(Duration.ofDays(30));
    assertThat(retention.interval()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void retentionPeriodsAreConfigurableAndItCanBeTurnedOff() {
    OperatorSettings.RetentionSchedule retention = ConfiguredSettings.of(Map.of("rewind.retention.delivered", "3d",
        "rewind.retention.dead", "60d", "rewind.retention.interval", "15m"), Map.of()).retention();

    assertThat(retention.retention()).isEqualTo(new Retention(Duration.ofDays(3), Duration.ofDays(60)));
    assertThat(retention.interval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(ConfiguredSettings.of(Map.of("rewind.retention.enabled", "false"), Map.of()).retention()).isNull();
  }

  @Test
  void aRetentionPeriodThatIsNotPositiveStopsTheStart() {
    assertThatThrownBy(() -> ConfiguredSettings.of(Map.of("rewind.retention.dead", "0s"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rewind.retention.dead must be positive");
    assertThatThrownBy(() -> ConfiguredSettings.of(Map.of("rewind.retention.interval", "0s"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rewind.retention.interval must be positive");
  }

  @Test
  void theLeaderTakesOverEventsOverdueByTwoMinutesByDefault() {
    assertThat(ConfiguredSettings.of(Map.of(), Map.of()).takeover())
        .isEqualTo(new OperatorSettings.Takeover(Duration.ofMinutes(2), 16));
    assertThat(ConfiguredSettings.of(Map.of("rewind.takeover.after", "10m", "rewind.takeover.concurrency", "4"),
        Map.of()).takeover()).isEqualTo(new OperatorSettings.Takeover(Duration.ofMinutes(10), 4));
    assertThat(ConfiguredSettings.of(Map.of("rewind.takeover.enabled", "false"), Map.of()).takeover()).isNull();
  }

  @Test
  void aTakeoverSettingOutOfRangeStopsTheStart() {
    assertThatThrownBy(() -> ConfiguredSettings.of(Map.of("rewind.takeover.after", "0s"), Map.of()))
        .hasMessageContaining("rewind.takeover.after must be positive");
    assertThatThrownBy(() -> ConfiguredSettings.of(Map.of("rewind.takeover.concurrency", "0"), Map.of()))
        .hasMessageContaining("rewind.takeover.concurrency must be between 1 and 256, not 0");
    assertThatThrownBy(() -> ConfiguredSettings.of(Map.of("rewind.takeover.concurrency", "257"), Map.of()))
        .hasMessageContaining("rewind.takeover.concurrency must be between 1 and 256, not 257");
  }

  private static OperatorSettings settings(List<String> blocked) {
    return new OperatorSettings(Set.of(), blocked, Duration.ofMinutes(5), Duration.ofSeconds(10), null);
  }
}
