package dev.rewind.journal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.api.manifest.CrdSchemas;
import dev.rewind.api.v1alpha1.replay.ReplaySpec;
import dev.rewind.api.v1alpha1.replay.spec.ReplayOverride;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.api.v1alpha1.route.spec.Destination;
import dev.rewind.journal.retry.ResolvedPolicy;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.Routes;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

  private static final ResolvedRoute ORDERS = Routes.to("orders", "http://service-b:8080/orders", """
      maxAttempts: 4
      timeout: 3s
      """);

  private static ReplaySpec spec(String... routes) {
    ReplaySpec spec = new ReplaySpec();
    spec.setRoutes(List.of(routes));
    return spec;
  }

  private static ReplayPlan plan(ReplaySpec spec, RetryPolicySpec override) {
    return new ReplayPlan("default", spec, override, Map.of(ORDERS.name(), ORDERS), spec.routeNames());
  }

  @Test
  void fallbacksAreTheCrdDefaults() {
    JSONSchemaProps spec = CrdSchemas.get().schemaOf("Replay").getProperties().get("spec");
    assertThat(spec.getProperties().get("concurrency").getDefault().asInt()).isEqualTo(ReplayPlan.DEFAULT_CONCURRENCY);
    assertThat(spec.getProperties().get("rateLimit").getDefault().asInt()).isEqualTo(ReplayPlan.DEFAULT_RATE_LIMIT);
    assertThat(spec.getProperties().get("maxEvents").getDefault().asInt()).isEqualTo(ReplayPlan.DEFAULT_MAX_EVENTS);
    // states has no schema default (with flowRef a Flow's verdict decides); its description names the fallback.
    JSONSchemaProps states = spec.getProperties().get("states");
    assertThat(states.getDefault()).isNull();
    assertThat(states.getDescription()).endsWith("Default: " + String.join(" and ",
        ReplaySelection.DEFAULT_STATES.stream().map(s -> s.wireName()).toList()) + ".");
  }

  @Test
  void thePolicyIsTheOverrideElseTheRoutesElseOneAttempt() {
    RetryPolicySpec patient = new RetryPolicySpec();
    patient.setMaxAttempts(9);

    assertThat(plan(spec("orders", "gone"), patient).policy("orders").maxAttempts()).isEqualTo(9);
    assertThat(plan(spec("orders", "gone"), patient).policy("gone").maxAttempts()).isEqualTo(9);
    assertThat(plan(spec("orders", "gone"), null).policy("orders").maxAttempts()).isEqualTo(4);
    assertThat(plan(spec("orders", "gone"), null).policy("gone")).isEqualTo(ResolvedPolicy.NO_RETRIES);
  }

  @Test
  void theDestinationIsTheOverrideAsWrittenElseTheRoutesCurrentOneWithTheSuffix() {
    ReplaySpec overridden = spec("orders");
    ReplayOverride override = new ReplayOverride();
    override.setDestination(new Destination("http://fallback:9000/in"));
    overridden.setOverride(override);

    assertThat(plan(overridden, null).destination("orders", "http://old:1/orders/42?x=1", "42"))
        .isEqualTo("http://fallback:9000/in");
    // The route still points where it did: the captured URL as it was.
    assertThat(plan(spec("orders"), null).destination("orders", "http://service-b:8080/orders/42?x=1", "42"))
        .isEqualTo("http://service-b:8080/orders/42?x=1");
    // The route was corrected since the capture: its new destination, with the suffix and query re-applied.
    assertThat(plan(spec("orders"), null).destination("orders", "http://wrong-host/orders/42?x=1", "42"))
        .isEqualTo("http://service-b:8080/orders/42?x=1");
    // A route that no longer exists: the URL the event was captured for.
    assertThat(plan(spec("gone"), null).destination("gone", "http://old:1/in", ""))
        .isEqualTo("http://old:1/in");
  }

  @Test
  void aMovedDestinationKeepsOnlyTheRequestsPartOfTheQuery() {
    assertThat(ReplayPlan.redirected("http://new/hook?token=b", "http://old/hook/7?token=a&page=2", "7"))
        .isEqualTo("http://new/hook/7?token=b&token=a&page=2");
    assertThat(ReplayPlan.redirected("http://new/hook?token=a", "http://old/hook/7?token=a&page=2", "7"))
        .isEqualTo("http://new/hook/7?token=a&page=2");
  }

  @Test
  void anEventOfARouteThatIsGoneIsSentUnsigned() {
    ResolvedRoute gone = plan(spec("gone"), null).route("gone");

    assertThat(gone.name()).isEqualTo("gone");
    assertThat(gone.spec().getSigning()).isNull();
    assertThat(plan(spec("orders"), null).route("orders")).isSameAs(ORDERS);
  }

  @Test
  void theLeaseCoversTheAttemptAndTheWaitInTheLocalQueue() {
    ReplaySpec spec = spec("orders");
    spec.setConcurrency(16);
    spec.setRateLimit(0);
    ReplayPlan unlimited = plan(spec, null);
    ReplayOptions options = new ReplayOptions("w", Duration.ofSeconds(60), Duration.ofMillis(500), 256, 4096);

    int depth = ReplayRun.depth(unlimited, 256);

    assertThat(depth).isEqualTo(64);
    // 60 s floor, plus four rounds of 16 attempts of up to 3 s each.
    assertThat(ReplayRun.lease(options, unlimited, depth)).isEqualTo(Duration.ofSeconds(72));

    spec.setRateLimit(20);
    ReplayPlan limited = plan(spec, null);
    assertThat(ReplayRun.depth(limited, 256)).isEqualTo(20);
    // Two rounds, plus a second's worth of tokens for 20 items at 20/s.
    assertThat(ReplayRun.lease(options, limited, 20)).isEqualTo(Duration.ofSeconds(66).plusMillis(1001));
  }

  @Test
  void theLongestTimeoutIsTheOverridesWhenThereIsOne() {
    RetryPolicySpec slow = new RetryPolicySpec();
    slow.setTimeout("45s");

    assertThat(plan(spec("orders", "gone"), slow).longestTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(plan(spec("orders", "gone"), null).longestTimeout()).isEqualTo(Duration.ofSeconds(10));
  }
}
