package dev.rewind.testbed;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** RBAC is enforced for restricted users (own client certificate) and impersonated ServiceAccounts. */
@KubeApiTest
class RbacIT {

    @Test
    void restrictedUserGetsOnlyWhatARoleGrants(KubeTestBed testBed, @TestNamespace String namespace) {
        KubernetesClient admin = testBed.adminClient();
        String otherNamespace = testBed.newNamespace();
        grant(admin, namespace, "pod-reader", "User", "alice", "pods", "get", "list", "watch");
        admin.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName("visible").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("rewind/demo:1").endContainer().endSpec()
                .build()).create();

        KubernetesClient alice = testBed.restrictedUser("alice", "rewind-testers").client();

        assertEquals(List.of("visible"), awaitAllowed(() -> alice.pods().inNamespace(namespace).list()).getItems()
                .stream().map(pod -> pod.getMetadata().getName()).toList());
        assertForbidden(() -> alice.secrets().inNamespace(namespace).list());
        assertForbidden(() -> alice.pods().inNamespace(otherNamespace).list());
        assertForbidden(() -> alice.pods().inNamespace(namespace).withName("visible").delete());
        testBed.deleteNamespace(otherNamespace);
    }

    @Test
    void groupFromTheCertificateIsAuthorized(KubeTestBed testBed, @TestNamespace String namespace) {
        grant(testBed.adminClient(), namespace, "configmap-reader", "Group", "rewind-auditors", "configmaps", "list");

        KubernetesClient bob = testBed.restrictedUser("bob", "rewind-auditors").client();
        KubernetesClient carol = testBed.restrictedUser("carol", "rewind-others").client();

        assertEquals(List.of(), awaitAllowed(() -> bob.configMaps().inNamespace(namespace).withLabel("none").list())
                .getItems());
        assertForbidden(() -> carol.configMaps().inNamespace(namespace).list());
    }

    @Test
    void impersonatedServiceAccountIsAuthorizedAsTheServiceAccount(KubeTestBed testBed,
            @TestNamespace String namespace) {
        grant(testBed.adminClient(), namespace, "configmap-writer", "ServiceAccount", "rewind-operator",
                "configmaps", "create", "get");

        KubeUser operator = testBed.serviceAccount(namespace, "rewind-operator");
        KubernetesClient client = operator.client();

        awaitAllowed(() -> client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("written-by-operator").endMetadata()
                .addToData("key", "value").build()).create());
        assertEquals("value", client.configMaps().inNamespace(namespace).withName("written-by-operator").get()
                .getData().get("key"));
        assertForbidden(() -> client.secrets().inNamespace(namespace).list());
        assertForbidden(() -> testBed.serviceAccount(namespace, "someone-else").client()
                .configMaps().inNamespace(namespace).withName("written-by-operator").get());
    }

    private static void grant(KubernetesClient admin, String namespace, String role, String subjectKind,
            String subject, String resource, String... verbs) {
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
                .withNewMetadata().withName(role).endMetadata()
                .addNewRule().withApiGroups("").withResources(resource).withVerbs(verbs).endRule()
                .build()).create();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
                .withNewMetadata().withName(role).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(role).endRoleRef()
                .addNewSubject()
                .withKind(subjectKind).withName(subject)
                .withApiGroup(subjectKind.equals("ServiceAccount") ? null : "rbac.authorization.k8s.io")
                .withNamespace(subjectKind.equals("ServiceAccount") ? namespace : null)
                .endSubject()
                .build()).create();
    }

    /**
     * Runs a request that a just-created RoleBinding allows. The authorizer learns of new bindings
     * through a watch, so the request may be forbidden for a moment; it is retried until allowed.
     */
    private static <T> T awaitAllowed(Callable<T> request) {
        AtomicReference<T> result = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 403)
                .until(() -> {
                    result.set(request.call());
                    return true;
                });
        return result.get();
    }

    private static void assertForbidden(Executable request) {
        KubernetesClientException refused = assertThrows(KubernetesClientException.class, request);
        assertEquals(403, refused.getCode(), refused::getMessage);
    }
}
