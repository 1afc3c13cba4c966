package dev.rewind.cli.kubectl;

import dev.rewind.api.v1alpha1.replay.Replay;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows one Replay by a watch (an informer on that name: a list, then a watch that resumes where it stopped
 * when the connection drops), showing each status change until the phase is terminal. Nothing is polled.
 */
final class ReplayFollower {

  private final KubernetesClient client;

  ReplayFollower(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The Replay once terminal; empty when it was deleted while followed or {@code timeout} passed (null: no limit).
   */
  Optional<Replay> follow(String namespace, String name, ReplayProgress progress, Duration timeout)
      throws InterruptedException {
    BlockingQueue<Optional<Replay>> changes = new LinkedBlockingQueue<>();
    ResourceEventHandler<Replay> handler = new ResourceEventHandler<>() {
      @Override
      public void onAdd(Replay replay) {
        changes.add(Optional.of(replay));
      }

      @Override
      public void onUpdate(Replay before, Replay after) {
        changes.add(Optional.of(after));
      }

      @Override
      public void onDelete(Replay replay, boolean finalStateUnknown) {
        changes.add(Optional.empty());
      }
    };
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    try (SharedIndexInformer<Replay> informer = client.resources(Replay.class).inNamespace(namespace)
        .withName(name).inform(handler)) {
      while (true) {
        long left = deadline - System.nanoTime();
        Optional<Replay> change = changes.poll(Math.max(0, Math.min(left, TimeUnit.SECONDS.toNanos(1))),
            TimeUnit.NANOSECONDS);
        if (change == null) {
          if (left <= 0) {
            return Optional.empty();
          }
          if (informer.isRunning() || !informer.stopped().toCompletableFuture().isDone()) {
            continue;
          }
          // The informer gave up (its watch refused): say why rather than wait for ever.
          throw new IllegalStateException("stopped following Replay " + name + ": the watch ended");
        }
        if (change.isEmpty()) {
          return Optional.empty();
        }
        Replay replay = change.get();
        progress.show(replay.getStatus());
        if (replay.getStatus() != null && replay.getStatus().getPhase() != null
            && replay.getStatus().getPhase().isTerminal()) {
          return Optional.of(replay);
        }
      }
    }
  }
}
