package dev.rewind.journal.testing;

import dev.rewind.api.manifest.ManifestReader;
import dev.rewind.api.manifest.Manifests;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.route.RouteResolver;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Builds resolved routes from YAML, through the same validation and defaulting as standalone mode. */
public final class Routes {

  private Routes() {}

  /** Every Route in {@code yaml}, resolved against the RetryPolicies in it (namespace "default"). */
  public static List<ResolvedRoute> fromYaml(String yaml) {
    Manifests manifests = new ManifestReader("default").readTexts(Map.of("test.yaml", yaml));
    Map<String, RetryPolicy> policies = manifests.retryPolicies().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity()));
    RouteResolver resolver = new RouteResolver(AddressPolicy.standalone());
    return manifests.routes().stream().map(r -> {
      RouteResolver.Result result = resolver.resolve(r, policies);
      if (!result.ok()) {
        throw new IllegalArgumentException(result.reason() + ": " + result.message());
      }
      return result.route();
    }).toList();
  }

  public static ResolvedRoute one(String yaml) {
    return fromYaml(yaml).get(0);
  }

  /** A route to {@code url} whose policy is the given RetryPolicy spec body (indented YAML under spec:). */
  public static ResolvedRoute to(String name, String url, String policySpec) {
    return one("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: %1$s-policy}
        spec:
        %3$s
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: %1$s}
        spec:
          destination: {url: "%2$s"}
          retryPolicyRef: {name: %1$s-policy}
          eventId: {header: Idempotency-Key}
        """.formatted(name, url, policySpec.indent(2)));
  }
}
