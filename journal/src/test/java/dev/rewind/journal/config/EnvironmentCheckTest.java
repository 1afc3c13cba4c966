package dev.rewind.journal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.manifest.Levenshtein;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvironmentCheckTest {

  /** Properties shaped like a configuration mapping's: plain, kebab-case, a list, a map. */
  private static final EnvironmentCheck CHECK = new EnvironmentCheck(List.of("rewind.mode",
      "rewind.store.url", "rewind.store.pool-size", "rewind.delivery.concurrency",
      "rewind.delivery.blocked-cidrs[*]", "rewind.labels.*", "rewind.retention.dead"));

  static Stream<Arguments> environmentNames() {
    return Stream.of(
        Arguments.of("rewind.mode", "REWIND_MODE"),
        Arguments.of("rewind.store.pool-size", "REWIND_STORE_POOL_SIZE"),
        Arguments.of("rewind.replay.signing-secret-namespaces", "REWIND_REPLAY_SIGNING_SECRET_NAMESPACES"),
        Arguments.of("rewind.operator.blocked-cidrs[*]", "REWIND_OPERATOR_BLOCKED_CIDRS"),
        Arguments.of("rewind.store.embedded-data-dir", "REWIND_STORE_EMBEDDED_DATA_DIR"));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("environmentNames")
  void environmentNamesFollowSmallRyesRule(String property, String variable) {
    assertThat(EnvironmentCheck.environmentName(property)).isEqualTo(variable);
  }

  static Stream<String> acceptedVariables() {
    return Stream.of("REWIND_MODE", "REWIND_STORE_URL", "REWIND_STORE_POOL_SIZE", "REWIND_DELIVERY_CONCURRENCY",
        "REWIND_DELIVERY_BLOCKED_CIDRS", "REWIND_DELIVERY_BLOCKED_CIDRS_0_", "REWIND_DELIVERY_BLOCKED_CIDRS_12_",
        "REWIND_LABELS_TEAM", "REWIND_LABELS_APP_KUBERNETES_IO_NAME", "REWIND_RETENTION_DEAD");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptedVariables")
  void everyFormSmallRyeReadsIsAccepted(String variable) {
    assertThat(CHECK.unknown(Map.of(variable, "x"))).isEmpty();
  }

  static Stream<String> refusedVariables() {
    return Stream.of("REWIND_MOD", "REWIND_MODE_", "REWIND_STORE_POOLSIZE", "REWIND_DELIVERY_CONCURENCY",
        // An index is digits between underscores, and only lists have one.
        "REWIND_DELIVERY_BLOCKED_CIDRS_X_", "REWIND_DELIVERY_BLOCKED_CIDRS_0", "REWIND_STORE_URL_0_",
        // A map needs a key.
        "REWIND_LABELS_", "REWIND_LABELS",
        "REWIND_", "REWIND_RETENTION_DEAD_");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedVariables")
  void aNameNoSettingHasIsUnknown(String variable) {
    assertThat(CHECK.unknown(Map.of(variable, "x"))).containsExactly(variable);
  }

  @Test
  void variablesWithoutThePrefixAreNotRewinds() {
    assertThat(CHECK.unknown(Map.of("HOSTNAME", "pod-1", "PATH", "/bin", "rewind_mode", "x", "XREWIND_MODE", "x",
        "QUARKUS_HTTP_PORT", "4472"))).isEmpty();
  }

  @Test
  void unknownNamesAreSortedAndKnownOnesLeftOut() {
    assertThat(CHECK.unknown(Map.of("REWIND_STORE_URL", "x", "REWIND_TAKEOVER_AFTR", "5m",
        "REWIND_RETENTION_DEAD_", "1d", "REWIND_MODE", "cluster"))).containsExactly("REWIND_RETENTION_DEAD_",
        "REWIND_TAKEOVER_AFTR");
  }

  @Test
  void kubernetesServiceLinksOfAServiceNamedRewindSomethingAreNotSettings() {
    // What the kubelet writes for a Service rewind-sidecar-injector with one port named webhook, 443/TCP.
    Map<String, String> links = Map.of(
        "REWIND_SIDECAR_INJECTOR_SERVICE_HOST", "10.96.4.2",
        "REWIND_SIDECAR_INJECTOR_SERVICE_PORT", "443",
        "REWIND_SIDECAR_INJECTOR_SERVICE_PORT_WEBHOOK", "443",
        "REWIND_SIDECAR_INJECTOR_PORT", "tcp://10.96.4.2:443",
        "REWIND_SIDECAR_INJECTOR_PORT_443_TCP", "tcp://10.96.4.2:443",
        "REWIND_SIDECAR_INJECTOR_PORT_443_TCP_PROTO", "tcp",
        "REWIND_SIDECAR_INJECTOR_PORT_443_TCP_PORT", "443",
        "REWIND_SIDECAR_INJECTOR_PORT_443_TCP_ADDR", "10.96.4.2",
        "REWIND_SERVICE_HOST", "10.96.4.3",
        "REWIND_PORT_5432_UDP", "udp://10.96.4.3:5432");

    assertThat(CHECK.unknown(links)).isEmpty();
  }

  @Test
  void aServiceLinkShapeWithoutItsServiceHostIsATypoAfterAll() {
    // Without REWIND_CAPTUR_SERVICE_HOST no Service wrote it: a misspelt REWIND_CAPTURE_PORT.
    assertThat(CHECK.unknown(Map.of("REWIND_CAPTUR_PORT", "4470"))).containsExactly("REWIND_CAPTUR_PORT");
    // A Service's family covers only the shapes the kubelet writes.
    assertThat(CHECK.unknown(Map.of("REWIND_DB_SERVICE_HOST", "10.0.0.1", "REWIND_DB_SERVICE_HOSTS", "x",
        "REWIND_DB_PORT_80", "x", "REWIND_DB_PORT_80_HTTP", "x", "REWIND_DB_URL", "x")))
        .containsExactly("REWIND_DB_PORT_80", "REWIND_DB_PORT_80_HTTP", "REWIND_DB_SERVICE_HOSTS", "REWIND_DB_URL");
  }

  static Stream<Arguments> typos() {
    return Stream.of(
        Arguments.of("REWIND_DELIVERY_CONCURENCY", Optional.of("REWIND_DELIVERY_CONCURRENCY")),
        Arguments.of("REWIND_STORE_POOLSIZE", Optional.of("REWIND_STORE_POOL_SIZE")),
        Arguments.of("REWIND_MOD", Optional.of("REWIND_MODE")),
        Arguments.of("REWIND_RETENTION_DEAD_", Optional.of("REWIND_RETENTION_DEAD")),
        Arguments.of("REWIND_STORE_URI", Optional.of("REWIND_STORE_URL")),
        // Nothing near: no guess.
        Arguments.of("REWIND_TAKEOVER_AFTER", Optional.empty()),
        Arguments.of("REWIND_X", Optional.empty()));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("typos")
  void theClosestKnownNameIsSuggestedOnlyWhenNear(String typo, Optional<String> suggestion) {
    assertThat(CHECK.closest(typo)).isEqualTo(suggestion);
  }

  @Test
  void checkNamesEveryUnknownVariableWithItsSuggestionAndWhereTheSettingsAre() {
    Map<String, String> env = Map.of("REWIND_DELIVERY_CONCURENCY", "8", "REWIND_X", "1", "REWIND_MODE", "cluster");

    assertThatThrownBy(() -> CHECK.check(env, "README.md"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown Rewind settings in the environment: REWIND_DELIVERY_CONCURENCY (did you mean "
            + "REWIND_DELIVERY_CONCURRENCY?), REWIND_X; the settings are listed in README.md");
    assertThatThrownBy(() -> CHECK.check(Map.of("REWIND_X", "1"), "README.md"))
        .hasMessage("unknown Rewind setting in the environment: REWIND_X; the settings are listed in README.md");
  }

  @Test
  void checkPassesAnEnvironmentOfKnownSettings() {
    assertThatNoException().isThrownBy(() -> CHECK.check(Map.of("REWIND_MODE", "cluster", "HOME", "/"), "x"));
  }

  @Test
  void distanceCountsInsertionsDeletionsAndReplacements() {
    assertThat(Levenshtein.distance("", "")).isZero();
    assertThat(Levenshtein.distance("abc", "abc")).isZero();
    assertThat(Levenshtein.distance("", "abc")).isEqualTo(3);
    assertThat(Levenshtein.distance("abc", "")).isEqualTo(3);
    assertThat(Levenshtein.distance("abc", "abd")).isEqualTo(1);
    assertThat(Levenshtein.distance("abc", "abxc")).isEqualTo(1);
    assertThat(Levenshtein.distance("kitten", "sitting")).isEqualTo(3);
  }
}
