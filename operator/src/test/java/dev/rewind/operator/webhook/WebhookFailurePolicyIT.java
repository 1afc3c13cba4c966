package dev.rewind.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rewind.operator.webhook.patch.CaptureAnnotations;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What happens to new pods while the injector is down, under each failure policy (WEBHOOK.md). */
@KubeApiTest
class WebhookFailurePolicyIT {

  private RunningInjector injector;
  private String operatorNamespace;

  @AfterEach
  void stop(KubeTestBed kube) {
    if (injector != null) {
      injector.close();
    }
    if (operatorNamespace != null) {
      kube.deleteNamespace(operatorNamespace);
    }
  }

  @Test
  void withIgnoreAPodCreatedWhileTheInjectorIsDownIsAdmittedUntouchedAndReportedOnceItIsBack(KubeTestBed kube,
      @TestNamespace String shop) {
    startInjecting(kube, shop, "Ignore", true);
    assertThat(injector.injector().watcher().orElseThrow().count()).isZero();

    injector.stopServing();
    Pod missed = kube.adminClient().pods().inNamespace(shop).resource(PodFixtures.capturedPod("missed").build())
        .create();

    assertThat(PodFixtures.hasSidecar(missed)).isFalse();
    assertThat(missed.getMetadata().getLabels()).doesNotContainKey(CaptureAnnotations.INJECTED_LABEL);

    // The operator comes back: it reports the pod that was created without the sidecar.
    injector.start(Clock.systemUTC());
    await().atMost(Duration.ofSeconds(20)).until(() -> notInjectedEvents(kube.adminClient(), shop).size() == 1);
    Event event = notInjectedEvents(kube.adminClient(), shop).get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("missed");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo(missed.getMetadata().getUid());
    assertThat(event.getMessage()).contains("runs without the Rewind sidecar", "kubectl rollout restart");
    assertThat(injector.metrics.get(InjectionMetrics.UNINJECTED_PODS).gauge().value()).isEqualTo(1.0);

    kube.adminClient().pods().inNamespace(shop).withName("missed").delete();
    await().atMost(Duration.ofSeconds(20))
        .until(() -> injector.metrics.get(InjectionMetrics.UNINJECTED_PODS).gauge().value() == 0.0);
  }

  @Test
  void withFailAPodIsRefusedWhileTheInjectorIsDown(KubeTestBed kube, @TestNamespace String shop) {
    startInjecting(kube, shop, "Fail", false);

    injector.stopServing();

    // Fabric8 retries 5xx answers for about 20 s by default; this test wants the first answer.
    try (KubernetesClient noRetries = new KubernetesClientBuilder().withConfig(
        new ConfigBuilder(kube.adminConfig()).withRequestRetryBackoffLimit(0).build()).build()) {
      assertThatThrownBy(() -> noRetries.pods().inNamespace(shop).resource(PodFixtures.plainPod("refused").build())
          .create())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(500);
            assertThat(e.getMessage()).contains("failed calling webhook \"sidecar-injector.rewind.dev\"");
          });
    }
    assertThat(kube.adminClient().pods().inNamespace(shop).withName("refused").get()).isNull();
  }

  @Test
  void aCaptureAnnotationThatIsNotABooleanRunsWithoutTheSidecarAndAWarningOnThePodSaysWhy(KubeTestBed kube,
      @TestNamespace String shop) {
    startInjecting(kube, shop, "Ignore", true);

    Pod typo = kube.adminClient().pods().inNamespace(shop).resource(PodFixtures.plainPod("typo").editMetadata()
        .addToAnnotations(CaptureAnnotations.CAPTURE, "yes please").endMetadata().build()).create();

    // Fail open: the pod runs as written, and says so on itself, in an Event and in the gauge.
    assertThat(PodFixtures.hasSidecar(typo)).isFalse();
    assertThat(typo.getMetadata().getAnnotations().get(CaptureAnnotations.NOTES)).contains("yes please");
    await().atMost(Duration.ofSeconds(20)).until(() -> events(kube.adminClient(), shop,
        UninjectedPodWatcher.INVALID_REASON).size() == 1);
    Event event = events(kube.adminClient(), shop, UninjectedPodWatcher.INVALID_REASON).get(0);
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getInvolvedObject().getUid()).isEqualTo(typo.getMetadata().getUid());
    assertThat(event.getMessage()).contains("rewind.dev/capture: \"yes please\" is not true or false",
        "runs without the Rewind sidecar");
    assertThat(injector.metrics.get(InjectionMetrics.UNINJECTED_PODS).gauge().value()).isEqualTo(1.0);
    assertThat(notInjectedEvents(kube.adminClient(), shop)).isEmpty();
  }

  /** The injector of a fresh operator namespace, injecting into {@code shop} under {@code failurePolicy}. */
  private void startInjecting(KubeTestBed kube, String shop, String failurePolicy, boolean watchUninjected) {
    operatorNamespace = kube.newNamespace("rewind-system");
    injector = RunningInjector.prepare(kube, RunningInjector.settings(operatorNamespace, List.of(shop), failurePolicy,
        RunningInjector.generatedTls(Duration.ofDays(365), Duration.ofDays(30)), watchUninjected));
    injector.start(Clock.systemUTC());
    injector.awaitInjecting(shop);
  }

  private static List<Event> events(KubernetesClient client, String namespace, String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
  }

  private static List<Event> notInjectedEvents(KubernetesClient client, String namespace) {
    return events(client, namespace, UninjectedPodWatcher.REASON);
  }
}
