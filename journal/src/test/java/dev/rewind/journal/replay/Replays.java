package dev.rewind.journal.replay;

import dev.rewind.api.manifest.ManifestReader;
import dev.rewind.api.manifest.Manifests;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicySpec;
import dev.rewind.journal.delivery.AddressPolicy;
import dev.rewind.journal.delivery.AttemptRunner;
import dev.rewind.journal.delivery.DeliveryMetrics;
import dev.rewind.journal.delivery.HttpDeliverer;
import dev.rewind.journal.delivery.KafkaDeliverer;
import dev.rewind.journal.delivery.SecretSource;
import dev.rewind.journal.flow.FlowRoutes;
import dev.rewind.journal.route.ResolvedRoute;
import dev.rewind.journal.testing.TestStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** Replay requests from YAML (validated and defaulted like standalone files) and engines on a test store. */
public final class Replays {

  private Replays() {}

  /**
   * A request for the one Replay in {@code yaml} (namespace from its metadata, else "default"), with the
   * RetryPolicies in the same text as the namespace's policies.
   */
  public static ReplayRequest request(String yaml, ResolvedRoute... routes) {
    return request(yaml, null, routes);
  }

  /** As {@link #request(String, ResolvedRoute...)}, with the Flow spec.flowRef names resolved so. */
  public static ReplayRequest request(String yaml, FlowRoutes flow, ResolvedRoute... routes) {
    Manifests manifests = new ManifestReader("default").readTexts(Map.of("replay.yaml", yaml));
    Replay replay = manifests.replays().get(0);
    Map<String, RetryPolicySpec> policies = manifests.retryPolicies().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), RetryPolicy::getSpec));
    Map<String, ResolvedRoute> byName = new HashMap<>();
    Arrays.stream(routes).forEach(r -> byName.put(r.name(), r));
    return new ReplayRequest(UUID.randomUUID(), replay.getMetadata().getNamespace(), replay.getMetadata().getName(),
        replay.getSpec(), byName, policies, flow);
  }

  /** An engine delivering from this test JVM, as the operator or the CLI would run one. */
  public static final class Engine implements AutoCloseable {
    public final HttpDeliverer deliverer;
    public final KafkaDeliverer kafka;
    public final ReplayEngine engine;
    /** What the engine's attempts were counted and timed in. */
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    public Engine(TestStore store, String worker) {
      this(store, worker, SecretSource.NONE, Duration.ofSeconds(60));
    }

    /** With these signing secrets, and claims leased for {@code lease} (or the attempt's floor, if longer). */
    public Engine(TestStore store, String worker, SecretSource secrets, Duration lease) {
      deliverer = new HttpDeliverer(store.vertx.getDelegate(), AddressPolicy.standalone(), 64);
      kafka = new KafkaDeliverer(store.vertx.getDelegate(), AddressPolicy.standalone(), secrets);
      AttemptRunner runner = new AttemptRunner(deliverer, kafka, secrets, Clock.systemUTC(), 4096);
      engine = new ReplayEngine(store.store, runner, new DeliveryMetrics(meters),
          new ReplayOptions(worker, lease, Duration.ofMillis(100), 256, 4096), Clock.systemUTC());
    }

    public ReplayStatusView start(ReplayRequest request) {
      return engine.start(request).await().atMost(Duration.ofSeconds(30));
    }

    /** Starts and waits until this engine has nothing more to do for the replay. */
    public ReplayStatusView run(ReplayRequest request) {
      start(request);
      return engine.finished(request.id()).await().atMost(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
      engine.close();
      kafka.close();
      deliverer.close();
    }
  }
}
