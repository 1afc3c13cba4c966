package dev.rewind.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.testbed.KubeTestBed;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packaged application as Quarkus starts it: {@code rewind.injector.*} keys → {@link InjectorConfig} →
 * {@link SidecarInjectorLifecycle} on Quarkus' Kubernetes client and Vert.x → a pod the API server stores injected.
 */
@QuarkusTest
@WithTestResource(InjectorClusterAndStore.class)
class SidecarInjectorApplicationIT {

  @Inject
  SidecarInjectorLifecycle lifecycle;

  @Inject
  KubernetesClient client;

  @Test
  void theStartupBeanRunsTheInjectorFromTheApplicationConfiguration() {
    KubernetesClient admin = KubeTestBed.shared().adminClient();
    SidecarInjector injector = lifecycle.injector();
    assertThat(injector).isNotNull();
    // The operator's own namespace (the client's) comes from the client; the store URL from rewind.store.url.
    assertThat(admin.secrets().inNamespace(client.getNamespace()).withName("rewind-webhook-tls").get()).isNotNull();
    assertThat(admin.admissionRegistration().v1().mutatingWebhookConfigurations()
        .withName(InjectorClusterAndStore.configurationName).get().getWebhooks().get(0).getNamespaceSelector()
        .getMatchExpressions()).extracting(e -> e.getValues())
        .containsExactly(List.of("kube-system", client.getNamespace()), List.of(InjectorClusterAndStore.shop));

    RunningInjector.awaitInjecting(admin, InjectorClusterAndStore.shop);
    Pod stored = admin.pods().inNamespace(InjectorClusterAndStore.shop)
        .resource(PodFixtures.capturedPod("from-the-app").build()).create();

    assertThat(PodFixtures.hasSidecar(stored)).isTrue();
    assertThat(PodFixtures.env(PodFixtures.sidecar(stored), "REWIND_STORE_URL"))
        .as("the operator's rewind.store.url; an IP address needs no qualifying").contains("@127.0.0.1:");
  }
}
