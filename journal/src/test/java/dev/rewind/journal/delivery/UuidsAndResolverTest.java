package dev.rewind.journal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.manifest.ManifestReader;
import dev.rewind.api.manifest.Manifests;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.journal.route.RouteResolver;
import dev.rewind.journal.store.Uuids;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class UuidsAndResolverTest {

  @Test
  void uuidsV7AreTimeOrderedAndCarryTheirInstant() {
    Instant t = Instant.parse("2026-11-27T10:00:00.123Z");
    UUID id = Uuids.v7(t);
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(Uuids.instantOf(id)).isEqualTo(t);
    assertThat(Uuids.lowerBound(t).toString()).isLessThanOrEqualTo(id.toString());
    assertThat(Uuids.v7(t.plusMillis(1)).toString()).isGreaterThan(id.toString());
  }

  private static RouteResolver.Result resolve(String yaml) {
    Manifests m = new ManifestReader("shop").readTexts(Map.of("r.yaml", yaml));
    Map<String, RetryPolicy> policies = m.retryPolicies().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity()));
    return new RouteResolver(AddressPolicy.cluster()).resolve(m.routes().get(0), policies);
  }

  @Test
  void aRouteWithoutPolicyGetsOneAttempt() {
    RouteResolver.Result r = resolve("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: r}
        spec: {destination: {url: "http://b.shop.svc/"}}
        """);
    assertThat(r.ok()).isTrue();
    assertThat(r.route().policy().maxAttempts()).isEqualTo(1);
    assertThat(r.route().namespace()).isEqualTo("shop");
  }

  @Test
  void aMissingPolicyIsNamed() {
    RouteResolver.Result r = resolve("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: r}
        spec: {destination: {url: "http://b.shop.svc/"}, retryPolicyRef: {name: gone}}
        """);
    assertThat(r.reason()).isEqualTo(RouteResolver.Reason.RetryPolicyNotFound);
    assertThat(r.message()).isEqualTo("RetryPolicy \"gone\" not found in namespace shop");
  }

  @Test
  void metadataAndLinkLocalDestinationsAreBlocked() {
    for (String url : new String[] {"http://169.254.169.254/latest/meta-data", "http://metadata.google.internal/",
        "http://[fe80::1]:8080/", "http://localhost:9000/"}) {
      RouteResolver.Result r = resolve("""
          apiVersion: rewind.dev/v1alpha1
          kind: Route
          metadata: {name: r}
          spec: {destination: {url: "%s"}}
          """.formatted(url));
      assertThat(r.reason()).as(url).isEqualTo(RouteResolver.Reason.DestinationBlocked);
    }
  }

  @Test
  void aResolvedRouteCarriesThePolicyAndItsGeneration() {
    RouteResolver.Result r = resolve("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: p, generation: 4}
        spec: {maxAttempts: 7}
        ---
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: r, generation: 2}
        spec: {destination: {url: "https://b.example.com/"}, retryPolicyRef: {name: p}}
        """);
    assertThat(r.ok()).isTrue();
    assertThat(r.route().policy().maxAttempts()).isEqualTo(7);
    assertThat(r.route().policyGeneration()).isEqualTo(4L);
    assertThat(r.route().generation()).isEqualTo(2L);
  }
}
