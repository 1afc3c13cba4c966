package dev.rewind.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
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

  private static OperatorSettings settings(List<String> blocked) {
    return new OperatorSettings(Set.of(), blocked, Duration.ofMinutes(5), Duration.ofSeconds(10), null);
  }
}
