package dev.rewind.operator.webhook;

import dev.rewind.operator.webhook.patch.Injection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code rewind_injector_admissions_total{result}}: one count per AdmissionReview answered, by result
 * ({@code injected}, {@code skipped}, {@code already-injected}, {@code not-injected}, {@code error}), and
 * {@code rewind_injector_uninjected_pods}: pods that asked for capture but run without the sidecar. Every result is
 * registered at zero up front, so a dashboard or an alert on {@code error} exists before the first one happens.
 */
public final class InjectionMetrics {

  public static final String ADMISSIONS = "rewind.injector.admissions";
  public static final String UNINJECTED_PODS = "rewind.injector.uninjected.pods";
  public static final String ERROR = "error";

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new TreeMap<>();

  public InjectionMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Injection.Outcome outcome : Injection.Outcome.values()) {
      counter(outcome.label());
    }
    counter(ERROR);
  }

  void record(String result) {
    counters.get(result).increment();
  }

  void record(Injection.Outcome outcome) {
    record(outcome.label());
  }

  /**
   * Registers the un-injected pod gauge (several replicas report the same count: aggregate with max) and returns
   * what unregisters it. Held strongly, as Micrometer holds gauge state weakly and a method reference would be
   * collected; unregistered on close, as Micrometer keeps the first gauge of a name and a restarted watcher's would
   * otherwise never be read.
   */
  Runnable uninjectedPods(Supplier<Number> count) {
    Gauge gauge = Gauge.builder(UNINJECTED_PODS, count).strongReference(true)
        .description("Pods that asked for capture but run without the Rewind sidecar").register(registry);
    return () -> registry.remove(gauge);
  }

  private void counter(String result) {
    counters.put(result, Counter.builder(ADMISSIONS).description("AdmissionReviews answered by the sidecar injector")
        .tag("result", result).register(registry));
  }
}
