package dev.rewind.testbed;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** CRD schemas and CEL rules are enforced by the real API server, and watches see stored objects. */
@KubeApiTest
class CustomResourceIT {

    private static final String CRD_NAME = "widgets.testbed.rewind.dev";

    @BeforeAll
    static void installCrd(KubernetesClient admin) throws Exception {
        try (InputStream yaml = CustomResourceIT.class.getResourceAsStream("/crd/" + CRD_NAME + ".yaml")) {
            CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(yaml).item();
            admin.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> isEstablished(admin));
    }

    @Test
    void objectBreakingTheCelRuleIsRejectedWithItsMessage(KubernetesClient admin, @TestNamespace String namespace) {
        var widgets = widgets(admin).inNamespace(namespace);

        KubernetesClientException rejected = assertThrows(KubernetesClientException.class,
                () -> widgets.resource(widget("inverted", 5, 2)).create());

        assertEquals(422, rejected.getCode());
        List<StatusCause> causes = rejected.getStatus().getDetails().getCauses();
        assertEquals(1, causes.size(), () -> "causes: " + causes);
        assertEquals("spec", causes.get(0).getField());
        assertEquals("FieldValueInvalid", causes.get(0).getReason());
        // The server prefixes the rule's message ("Invalid value: ..."); the message itself is exact.
        String message = causes.get(0).getMessage();
        assertTrue(message.endsWith(": minReplicas must not exceed maxReplicas"), message);
    }

    @Test
    void objectBreakingTheSchemaIsRejected(KubernetesClient admin, @TestNamespace String namespace) {
        var widgets = widgets(admin).inNamespace(namespace);

        KubernetesClientException rejected = assertThrows(KubernetesClientException.class,
                () -> widgets.resource(widget("negative", -1, 2)).create());

        assertEquals(422, rejected.getCode());
        StatusCause cause = rejected.getStatus().getDetails().getCauses().get(0);
        assertEquals("spec.minReplicas", cause.getField());
        assertEquals("FieldValueInvalid", cause.getReason());
    }

    @Test
    void validObjectIsStoredAndSeenByAWatch(KubernetesClient admin, @TestNamespace String namespace) {
        var widgets = widgets(admin).inNamespace(namespace);
        List<String> added = new CopyOnWriteArrayList<>();
        AtomicReference<WatcherException> abnormalClose = new AtomicReference<>();

        Watch watch = widgets.watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource resource) {
                if (action == Action.ADDED) {
                    added.add(resource.getMetadata().getName() + " max=" + spec(resource).get("maxReplicas"));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                abnormalClose.set(cause);
            }
        });
        try {
            widgets.resource(widget("valid", 1, 3)).create();

            await().atMost(Duration.ofSeconds(10)).until(() -> added.contains("valid max=3"));
        } finally {
            watch.close();
        }
        assertNull(abnormalClose.get(), "the watch closed with an error");
        assertEquals(Map.of("minReplicas", 1, "maxReplicas", 3), spec(widgets.withName("valid").get()));
    }

    @Test
    void statusIsASubresource(KubernetesClient admin, @TestNamespace String namespace) {
        var widgets = widgets(admin).inNamespace(namespace);
        GenericKubernetesResource stored = widgets.resource(widget("with-status", 0, 1)).create();

        stored.setAdditionalProperty("status", Map.of("observedReplicas", 1));
        stored.setAdditionalProperty("spec", Map.of("minReplicas", 0, "maxReplicas", 9));
        widgets.resource(stored).updateStatus();

        GenericKubernetesResource reread = widgets.withName("with-status").get();
        assertEquals(Map.of("observedReplicas", 1), reread.getAdditionalProperties().get("status"));
        assertEquals(1, spec(reread).get("maxReplicas"), "a status update must not change the spec");
    }

    private static MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> widgets(KubernetesClient client) {
        // Named explicitly rather than discovered: discovery may lag just behind the Established condition.
        return client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("testbed.rewind.dev").withVersion("v1").withKind("Widget").withPlural("widgets")
                .withNamespaced(true).build());
    }

    private static GenericKubernetesResource widget(String name, int minReplicas, int maxReplicas) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("testbed.rewind.dev/v1")
                .withKind("Widget")
                .withNewMetadata().withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of("minReplicas", minReplicas, "maxReplicas", maxReplicas))
                .build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    private static boolean isEstablished(KubernetesClient admin) {
        CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get();
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
