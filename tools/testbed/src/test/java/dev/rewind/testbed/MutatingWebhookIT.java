package dev.rewind.testbed;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.PodResource;

/**
 * The API server calls a mutating webhook over HTTPS, trusting it through the caBundle, applies its
 * JSONPatch, and honours the failure policy when the webhook is down.
 */
@KubeApiTest
class MutatingWebhookIT {

    private static final String WEBHOOK = "labeler.testbed.rewind.dev";

    private KubernetesClient admin;
    private String namespace;
    private LabelingWebhookServer webhook;

    @BeforeEach
    void startWebhook(KubernetesClient admin, @TestNamespace String namespace) throws Exception {
        this.admin = admin;
        this.namespace = namespace;
        this.webhook = new LabelingWebhookServer();
    }

    @AfterEach
    void stopWebhook() {
        webhook.close();
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(configurationName()).delete();
        assertEquals(List.of(), webhook.failures(), "the webhook failed to answer");
    }

    @Test
    void podIsMutatedAndWithTheWebhookDownPolicyIgnoreAdmitsItUntouched() {
        registerWebhook("Ignore");

        Pod mutated = pods().resource(pod("mutated")).create();

        assertEquals("true", mutated.getMetadata().getLabels().get(LabelingWebhookServer.LABEL));
        assertEquals("true", pods().withName("mutated").get().getMetadata().getLabels().get(LabelingWebhookServer.LABEL));
        assertTrue(webhook.reviewedPods().contains("mutated"), () -> "reviewed: " + webhook.reviewedPods());

        webhook.close();
        Pod untouched = pods().resource(pod("untouched")).create();

        assertEquals(Map.of("app", "demo"), untouched.getMetadata().getLabels());
        assertEquals(Map.of("app", "demo"), pods().withName("untouched").get().getMetadata().getLabels());
    }

    @Test
    void withTheWebhookDownPolicyFailRefusesThePod() {
        registerWebhook("Fail");
        webhook.close();

        // Fabric8 retries 5xx answers for about 20 s by default; this test wants the first answer.
        KubernetesClientException refused;
        try (KubernetesClient noRetries = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(admin.getConfiguration()).withRequestRetryBackoffLimit(0).build())
                .build()) {
            refused = assertThrows(KubernetesClientException.class,
                    () -> noRetries.pods().inNamespace(namespace).resource(pod("refused")).create());
        }

        assertEquals(500, refused.getCode());
        assertTrue(refused.getMessage().contains("failed calling webhook \"" + WEBHOOK + "\""), refused::getMessage);
        assertNull(pods().withName("refused").get());
    }

    /**
     * Registers the webhook for Pods of this test's namespace only (tests share the API server) and
     * waits until the API server uses it: a dry-run create comes back labelled.
     */
    private void registerWebhook(String failurePolicy) {
        MutatingWebhookConfiguration configuration = new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(configurationName()).endMetadata()
                .addNewWebhook()
                .withName(WEBHOOK)
                .withAdmissionReviewVersions("v1")
                .withSideEffects("None")
                .withFailurePolicy(failurePolicy)
                .withTimeoutSeconds(5)
                .withNewClientConfig().withUrl(webhook.url()).withCaBundle(webhook.caBundle()).endClientConfig()
                .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace).endNamespaceSelector()
                .addNewRule()
                .withApiGroups("").withApiVersions("v1").withResources("pods").withOperations("CREATE")
                .withScope("Namespaced")
                .endRule()
                .endWebhook()
                .build();
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().resource(configuration).create();

        await().atMost(Duration.ofSeconds(20)).until(() -> pods().resource(pod("probe")).dryRun().create()
                .getMetadata().getLabels().containsKey(LabelingWebhookServer.LABEL));
    }

    private NonNamespaceOperation<Pod, PodList, PodResource> pods() {
        return admin.pods().inNamespace(namespace);
    }

    private String configurationName() {
        return namespace + "-labeler";
    }

    private static Pod pod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", "demo").endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app").withImage("rewind/demo:1").endContainer()
                .endSpec()
                .build();
    }
}
