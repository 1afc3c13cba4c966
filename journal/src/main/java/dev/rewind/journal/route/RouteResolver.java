package dev.rewind.journal.route;

import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicyChecks;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.api.v1alpha1.route.spec.Destination;
import dev.rewind.api.v1alpha1.route.spec.DestinationUrls;
import dev.rewind.api.v1alpha1.route.spec.KafkaDestinations;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.retry.OutcomeSelector;
import dev.rewind.journal.retry.ResolvedPolicy;
import java.net.URI;
import java.util.Map;

/**
 * Resolves a Route against the RetryPolicies of its namespace and checks what the CRD schema cannot: that the
 * policy exists and parses, and that the destination is not in a blocked address range. It also applies the CRD's
 * own rules for the destination URL and the policy again, for routes that never went through admission (the
 * sidecar's files) or were stored under an older schema. Pure, so the operator's reconciler and standalone mode
 * give the same verdict.
 */
public final class RouteResolver {

  /** Why a Route cannot be served; the reason names are the ones its Ready condition carries. */
  public enum Reason { RetryPolicyNotFound, InvalidRetryPolicy, DestinationBlocked, InvalidDestination }

  /** Either a resolved route, or why not. */
  public record Result(ResolvedRoute route, Reason reason, String message) {

    public boolean ok() {
      return route != null;
    }
  }

  private final AddressPolicy addresses;

  public RouteResolver(AddressPolicy addresses) {
    this.addresses = addresses;
  }

  /** @param policies the RetryPolicies of the Route's namespace, by name */
  public Result resolve(Route route, Map<String, RetryPolicy> policies) {
    String namespace = route.getMetadata().getNamespace();
    Destination destination = route.getSpec().getDestination();
    if (destination != null && destination.getKafka() != null) {
      Result refused = kafkaRefusal(destination);
      return refused != null ? refused : withPolicy(route, policies);
    }
    String url = destination == null ? null : destination.getUrl();
    // The CRD's own grammar first: it guarantees URI below finds a host and a port in range, which URI alone does
    // not (a_b or port 99999 parse, with a null host or an unusable port).
    String malformed = DestinationUrls.problem(url);
    if (malformed != null) {
      return new Result(null, Reason.InvalidDestination, malformed);
    }
    String host;
    try {
      host = URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return new Result(null, Reason.InvalidDestination, "destination.url " + url + " is not a URL: "
          + e.getMessage());
    }
    if (host == null) {
      return new Result(null, Reason.InvalidDestination, "destination.url " + url + " has no host");
    }
    String refusal = addresses.refusalForHost(host);
    if (refusal != null) {
      return new Result(null, Reason.DestinationBlocked, "destination.url " + url + " is refused: " + refusal);
    }
    return withPolicy(route, policies);
  }

  /**
   * Why a Kafka destination cannot be served, or null: the CRD's grammar again, exactly one kind, and every
   * bootstrap host through the address policy (a bootstrap server is where the producer connects first, so it is
   * as much an SSRF target as a URL host).
   */
  private Result kafkaRefusal(Destination destination) {
    if (destination.getUrl() != null) {
      return new Result(null, Reason.InvalidDestination, Destination.ONE_KIND_MESSAGE);
    }
    String malformed = KafkaDestinations.problem(destination.getKafka());
    if (malformed != null) {
      return new Result(null, Reason.InvalidDestination, malformed);
    }
    for (String server : destination.getKafka().getBootstrapServers()) {
      String refusal = addresses.refusalForHost(KafkaDestinations.host(server));
      if (refusal != null) {
        return new Result(null, Reason.DestinationBlocked, "destination.kafka.bootstrapServers " + server
            + " is refused: " + refusal);
      }
    }
    return null;
  }

  private Result withPolicy(Route route, Map<String, RetryPolicy> policies) {
    String namespace = route.getMetadata().getNamespace();
    long generation = route.getMetadata().getGeneration() == null ? 0 : route.getMetadata().getGeneration();
    if (route.getSpec().getRetryPolicyRef() == null) {
      return new Result(new ResolvedRoute(namespace, route.getMetadata().getName(), generation, route.getSpec(),
          null, null, null), null, "no retryPolicyRef: one attempt per event, no retries");
    }
    String policyName = route.getSpec().getRetryPolicyRef().getName();
    RetryPolicy policy = policies.get(policyName);
    if (policy == null) {
      return new Result(null, Reason.RetryPolicyNotFound, "RetryPolicy \"" + policyName + "\" not found in"
          + " namespace " + namespace);
    }
    String invalid = RetryPolicyChecks.problem(policy.getSpec());
    if (invalid != null) {
      return new Result(null, Reason.InvalidRetryPolicy, "RetryPolicy \"" + policyName + "\": " + invalid);
    }
    try {
      ResolvedPolicy.from(policy.getSpec());
      OutcomeSelector.of(policy.getSpec().getRetryOn());
    } catch (IllegalArgumentException e) {
      return new Result(null, Reason.InvalidRetryPolicy, "RetryPolicy \"" + policyName + "\": " + e.getMessage());
    }
    Long policyGeneration = policy.getMetadata().getGeneration();
    return new Result(new ResolvedRoute(namespace, route.getMetadata().getName(), generation, route.getSpec(),
        policyName, policyGeneration, policy.getSpec()), null, "uses RetryPolicy \"" + policyName + "\"");
  }
}
