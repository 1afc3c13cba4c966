package dev.rewind.operator.webhook;

import dev.rewind.journal.testing.Processes;

import static org.awaitility.Awaitility.await;

import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sidecar injector started in this JVM through its production wiring ({@link SidecarInjector}), as the operator's
 * ServiceAccount with the shipped RBAC, registered with a {@code url} clientConfig on 127.0.0.1 and a generated CA.
 * Closing it stops the server; {@link #unregister()} removes the configuration (tests share the API server).
 */
final class RunningInjector implements AutoCloseable {

  final KubeTestBed kube;
  final KubeUser operator;
  final InjectorSettings settings;
  final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final Vertx vertx = Vertx.vertx();
  private SidecarInjector injector;

  private RunningInjector(KubeTestBed kube, KubeUser operator, InjectorSettings settings) {
    this.kube = kube;
    this.operator = operator;
    this.settings = settings;
  }

  /**
   * Settings for a test: the operator in {@code operatorNamespace}, injecting only in {@code appNamespaces} (tests
   * share the API server), the webhook at https://127.0.0.1:PORT/mutate.
   */
  static InjectorSettings settings(String operatorNamespace, List<String> appNamespaces, String failurePolicy,
      InjectorSettings.Tls tls, boolean watchUninjected) {
    int port = Processes.freePort();
    return new InjectorSettings(operatorNamespace, "127.0.0.1", port,
        new InjectorSettings.Registration(operatorNamespace + "-injector", failurePolicy, 5, appNamespaces,
            List.of("kube-system"), new InjectorSettings.ServiceRef("rewind-sidecar-injector", operatorNamespace, 443),
            Optional.of("https://127.0.0.1:" + port + InjectorSettings.PATH)),
        tls, PodFixtures.defaultTemplate(), watchUninjected);
  }

  static InjectorSettings.Tls generatedTls(Duration validity, Duration renewBefore) {
    return new InjectorSettings.Tls(InjectorConfig.TlsMode.GENERATED, "rewind-webhook-tls", validity, renewBefore,
        Duration.ofHours(1), List.of(), "", "rewind-sidecar-injector");
  }

  /** Installs the RBAC for the operator's ServiceAccount; start replicas with {@link #start(Clock)}. */
  static RunningInjector prepare(KubeTestBed kube, InjectorSettings settings) {
    KubeUser operator = InjectorRbac.installFor(kube, settings.namespace(),
        settings.registration().configurationName());
    return new RunningInjector(kube, operator, settings);
  }

  RunningInjector start(Clock clock) {
    injector = SidecarInjector.start(operator.client(), vertx, settings, metrics, clock);
    return this;
  }

  SidecarInjector injector() {
    return injector;
  }

  /** Waits until the API server calls the webhook for {@code namespace}: a dry-run pod comes back injected. */
  void awaitInjecting(String namespace) {
    awaitInjecting(kube.adminClient(), namespace);
  }

  static void awaitInjecting(KubernetesClient admin, String namespace) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      Pod probe = admin.pods().inNamespace(namespace).resource(PodFixtures.capturedPod("probe").build()).dryRun()
          .create();
      return PodFixtures.hasSidecar(probe);
    });
  }

  double admissions(String result) {
    return metrics.get(InjectionMetrics.ADMISSIONS).tag("result", result).counter().count();
  }

  /** Stops serving; the configuration stays, as in production. Idempotent. */
  void stopServing() {
    if (injector != null) {
      injector.close();
      injector = null;
    }
  }

  void unregister() {
    kube.adminClient().admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(settings.registration().configurationName()).delete();
  }

  @Override
  public void close() {
    stopServing();
    unregister();
    InjectorRbac.uninstall(kube.adminClient(), settings.namespace());
    operator.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

}
