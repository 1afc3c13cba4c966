package dev.rewind.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the reconciliations an operator started, per object, through JOSDK's metrics hook. */
public final class ReconcileCounter implements Metrics {

  private final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();

  @Override
  public void reconciliationStarted(HasMetadata resource, Map<String, Object> metadata) {
    started.computeIfAbsent(key(resource.getKind(), resource.getMetadata().getNamespace(),
        resource.getMetadata().getName()), k -> new AtomicInteger()).incrementAndGet();
  }

  public int of(String kind, String namespace, String name) {
    AtomicInteger count = started.get(key(kind, namespace, name));
    return count == null ? 0 : count.get();
  }

  public int total() {
    return started.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  private static String key(String kind, String namespace, String name) {
    return kind + ":" + namespace + "/" + name;
  }
}
