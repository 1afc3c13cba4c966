package dev.rewind.operator.testing;

import dev.rewind.operator.config.OperatorSettings;
import dev.rewind.operator.runtime.RewindOperator;
import dev.rewind.operator.store.RouteStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** The operator started in this JVM through its production wiring ({@link RewindOperator}), stopped on close. */
public final class RunningOperator implements AutoCloseable {

  public final ReconcileCounter reconciles = new ReconcileCounter();
  /** How often the operator reported a lost lease (production would exit). */
  public final AtomicInteger leasesLost = new AtomicInteger();
  private final RewindOperator operator;
  private boolean stopped;

  private RunningOperator(KubernetesClient client, OperatorSettings settings, RouteStore store) {
    operator = new RewindOperator(client, settings, store, reconciles, Clock.systemUTC(),
        leasesLost::incrementAndGet);
    operator.start();
  }

  public static RunningOperator start(KubernetesClient client, OperatorSettings settings, RouteStore store) {
    return new RunningOperator(client, settings, store);
  }

  /** Watching one namespace, without leader election, with the given full-resync interval. */
  public static OperatorSettings watching(String namespace, Duration resync) {
    return new OperatorSettings(Set.of(namespace), List.of(), resync, Duration.ofSeconds(5), null);
  }

  /** Watching one namespace, competing for a Lease in it with short timings so a failover takes seconds. */
  public static OperatorSettings electing(String namespace, String identity) {
    return new OperatorSettings(Set.of(namespace), List.of(), Duration.ofMinutes(5), Duration.ofSeconds(5),
        new OperatorSettings.LeaderElection("rewind-operator", namespace, identity, Duration.ofSeconds(4),
            Duration.ofSeconds(3), Duration.ofMillis(500)));
  }

  public synchronized void stop() {
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
