package dev.rewind.operator.replay;

import dev.rewind.journal.store.Store;
import dev.rewind.operator.config.OperatorSettings;
import dev.rewind.operator.runtime.RewindOperator;
import dev.rewind.operator.testing.ReconcileCounter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The whole operator in this JVM through its production wiring, journal store included, so Replays are
 * reconciled and delivered from here; stopped on close.
 */
public final class RunningReplayOperator implements AutoCloseable {

  final ReconcileCounter reconciles = new ReconcileCounter();
  /** Where the operator's replay attempts are counted and timed. */
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final RewindOperator operator;
  private boolean stopped;

  private RunningReplayOperator(KubernetesClient client, OperatorSettings settings, Store journal) {
    operator = new RewindOperator(client, settings, journal, reconciles, meters, Clock.systemUTC(), () -> {
      throw new AssertionError("these tests run without leader election");
    });
    operator.start();
  }

  /** The operator's meters, as its /q/metrics would show them. */
  public SimpleMeterRegistry meters() {
    return meters;
  }

  public static RunningReplayOperator start(KubernetesClient client, OperatorSettings settings, Store journal) {
    return new RunningReplayOperator(client, settings, journal);
  }

  /** Watching {@code namespaces}, without leader election, with Replays refreshed every {@code interval}. */
  static OperatorSettings watching(Set<String> namespaces, Duration interval, Set<String> signingSecretNamespaces) {
    OperatorSettings.Replay replay = OperatorSettings.Replay.defaults("operator-it");
    return new OperatorSettings(namespaces, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(5), null,
        new OperatorSettings.Replay(replay.workerId(), replay.maxConcurrency(), interval, replay.lease(),
            Duration.ofMillis(100), replay.claimBatch(), replay.responseBodyLimit(), signingSecretNamespaces,
            replay.secretCacheTtl()), null, null, null);
  }

  /**
   * Watching {@code namespaces}, without leader election, reading route health and Flows every second, and taking
   * over events overdue by {@code takeoverAfter} (null: no takeover).
   */
  public static OperatorSettings withHealth(Set<String> namespaces, String worker, Duration takeoverAfter) {
    return withHealth(namespaces, worker, takeoverAfter, false);
  }

  /** As {@link #withHealth(Set, String, Duration)}, holding deliveries to Services with no ready endpoint or not. */
  public static OperatorSettings withHealth(Set<String> namespaces, String worker, Duration takeoverAfter,
      boolean endpointHolds) {
    return new OperatorSettings(namespaces, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(5), null,
        OperatorSettings.Replay.defaults(worker), null,
        takeoverAfter == null ? null : new OperatorSettings.Takeover(takeoverAfter, 4),
        new OperatorSettings.Health(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofSeconds(1), endpointHolds));
  }

  synchronized void stop() {
    if (!stopped) {
      stopped = true;
      operator.stop();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
