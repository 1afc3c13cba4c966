package dev.rewind.journal.route;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.RouteSpec;
import dev.rewind.api.v1alpha1.route.spec.KafkaDestination;
import dev.rewind.api.v1alpha1.route.spec.Mode;
import dev.rewind.api.v1alpha1.route.spec.OnStoreUnavailable;
import dev.rewind.journal.delivery.KafkaTarget;
import dev.rewind.journal.retry.ResolvedPolicy;
import java.util.List;

/**
 * A Route with its RetryPolicy resolved: everything a worker needs to capture and deliver for it. This is what the
 * operator publishes to the store and what standalone mode builds from files.
 *
 * @param policySpec the referenced policy's spec, or null for a Route without one (one attempt, no retries)
 * @param policy the policy parsed once, since every capture and attempt consults it
 */
public record ResolvedRoute(
    String namespace,
    String name,
    long generation,
    RouteSpec spec,
    String policyName,
    Long policyGeneration,
    RetryPolicySpec policySpec,
    ResolvedPolicy policy) {

  public ResolvedRoute(String namespace, String name, long generation, RouteSpec spec, String policyName,
      Long policyGeneration, RetryPolicySpec policySpec) {
    this(namespace, name, generation, spec, policyName, policyGeneration, policySpec,
        policySpec == null ? ResolvedPolicy.NO_RETRIES : ResolvedPolicy.from(policySpec));
  }

  public Mode mode() {
    return spec.getMode() == null ? Mode.STORE_AND_FORWARD : spec.getMode();
  }

  public OnStoreUnavailable onStoreUnavailable() {
    return spec.getOnStoreUnavailable() == null ? OnStoreUnavailable.REJECT : spec.getOnStoreUnavailable();
  }

  /** The destination URL, or for a Kafka route its {@code kafka://servers/topic} form ({@link KafkaTarget}). */
  public String destination() {
    KafkaDestination kafka = kafka();
    return kafka != null ? KafkaTarget.of(kafka).uri() : spec.getDestination().getUrl();
  }

  /** The Kafka settings of a Kafka route, or null for an HTTP route. */
  public KafkaDestination kafka() {
    return spec.getDestination() == null ? null : spec.getDestination().getKafka();
  }

  /** Whether a sidecar of {@code workload} serves this route (no workloads listed: every sidecar does). */
  public boolean servedBy(String workload) {
    List<String> workloads = spec.getWorkloads();
    return workloads == null || workloads.isEmpty() || workloads.contains(workload);
  }
}
