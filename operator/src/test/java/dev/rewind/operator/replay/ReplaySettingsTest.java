package dev.rewind.operator.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewind.api.v1alpha1.common.LocalObjectReference;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.replay.spec.ReplayOverride;
import dev.rewind.journal.replay.ReplayOptions;
import dev.rewind.operator.config.ConfiguredSettings;
import dev.rewind.operator.config.OperatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rewind.replay.* keys: defaults as documented, what they turn into, and what stops the start. */
class ReplaySettingsTest {

  @Test
  void theDefaultsAreTheDocumentedOnesAndTheWorkerIsThePod() {
    OperatorSettings.Replay replay = settings(Map.of(), Map.of("HOSTNAME", "rewind-operator-7d9f-x2k4l")).replay();

    assertThat(replay.workerId()).isEqualTo("rewind-operator-7d9f-x2k4l");
    assertThat(replay.maxConcurrency()).isEqualTo(64);
    assertThat(replay.statusInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(replay.secretCacheTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(replay.signingSecretNamespaces()).isEmpty();
    assertThat(replay.readsSecretsOf("shop")).isFalse();
    // The engine's own defaults, so operator and CLI replays behave the same unless configured.
    assertThat(replay.options()).isEqualTo(new ReplayOptions("rewind-operator-7d9f-x2k4l",
        ReplayOptions.defaults("x").lease(), ReplayOptions.defaults("x").pollInterval(),
        ReplayOptions.defaults("x").claimBatch(), ReplayOptions.defaults("x").responseBodyLimit()));
    assertThat(replay).isEqualTo(OperatorSettings.Replay.defaults("rewind-operator-7d9f-x2k4l"));
  }

  @Test
  void everyKeyIsRead() {
    OperatorSettings.Replay replay = settings(Map.of(
        "rewind.replay.worker-id", "replica-b",
        "rewind.replay.max-concurrency", "128",
        "rewind.replay.status-interval", "5s",
        "rewind.replay.lease", "2m",
        "rewind.replay.poll-interval", "1s",
        "rewind.replay.claim-batch", "64",
        "rewind.replay.response-body-limit", "1024",
        "rewind.replay.signing-secret-namespaces", "shop, billing",
        "rewind.replay.secret-cache-ttl", "10s"), Map.of("HOSTNAME", "ignored")).replay();

    assertThat(replay.workerId()).isEqualTo("replica-b");
    assertThat(replay.maxConcurrency()).isEqualTo(128);
    assertThat(replay.statusInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(replay.options()).isEqualTo(new ReplayOptions("replica-b", Duration.ofMinutes(2),
        Duration.ofSeconds(1), 64, 1024));
    assertThat(replay.signingSecretNamespaces()).containsExactlyInAnyOrder("shop", "billing");
    assertThat(replay.readsSecretsOf("billing")).isTrue();
    assertThat(replay.secretCacheTtl()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void withoutAHostNameTheWorkerIsTheLeaderElectionIdentity() {
    assertThat(settings(Map.of("rewind.leader-election.identity", "replica-a"), Map.of()).replay().workerId())
        .isEqualTo("replica-a");
    assertThat(settings(Map.of("rewind.leader-election.enabled", "false"), Map.of()).replay().workerId())
        .isEqualTo("rewind-operator");
  }

  @Test
  void valuesThatCannotWorkStopTheStartNamingTheKey() {
    assertThatThrownBy(() -> settings(Map.of("rewind.replay.max-concurrency", "0"), Map.of()))
        .hasMessage("rewind.replay.max-concurrency must be between 1 and 256, not 0");
    assertThatThrownBy(() -> settings(Map.of("rewind.replay.max-concurrency", "1000"), Map.of()))
        .hasMessageContaining("rewind.replay.max-concurrency");
    assertThatThrownBy(() -> settings(Map.of("rewind.replay.status-interval", "0s"), Map.of()))
        .hasMessage("rewind.replay.status-interval must be positive");
    assertThatThrownBy(() -> settings(Map.of("rewind.replay.claim-batch", "0"), Map.of()))
        .hasMessage("rewind.replay.claim-batch must be at least 1");
  }

  @Test
  void aSpecAskingMoreConcurrencyThanTheCapRunsACappedCopyAndTheReplayIsLeftAsItIs() {
    ReplaySpec spec = new ReplaySpec();
    spec.setRouteRef(new LocalObjectReference("orders"));
    spec.setStates(List.of(dev.rewind.api.v1alpha1.common.EventState.DEAD));
    ReplayOverride override = new ReplayOverride();
    override.setRetryPolicyRef(new LocalObjectReference("patient"));
    spec.setOverride(override);
    spec.setConcurrency(200);
    spec.setRateLimit(50);

    ReplaySpec capped = ReplayRuntime.capped(spec, 64);

    assertThat(capped.getConcurrency()).isEqualTo(64);
    assertThat(spec.getConcurrency()).isEqualTo(200);
    capped.setConcurrency(200);
    assertThat(capped).isEqualTo(spec);
    spec.setConcurrency(64);
    assertThat(ReplayRuntime.capped(spec, 64)).isSameAs(spec);
  }

  private static OperatorSettings settings(Map<String, String> properties, Map<String, String> environment) {
    return ConfiguredSettings.of(properties, environment);
  }
}
