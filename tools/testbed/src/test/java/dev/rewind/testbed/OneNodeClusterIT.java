package dev.rewind.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;

/**
 * Pods really run on the one-node cluster: only with -Drewind.cluster=true (Maven profile
 * one-node-cluster), as root, after tools/kube/build.sh --node and tools/images/build.sh.
 */
@Tag("cluster")
@EnabledIfSystemProperty(named = OneNodeCluster.ENABLED_PROPERTY, matches = "true")
class OneNodeClusterIT {

    private static OneNodeCluster cluster;

    @BeforeAll
    static void up() {
        cluster = OneNodeCluster.start();
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theNodeIsReadyAndReportsTheBuiltKubeletVersion() {
        KubernetesClient admin = cluster.adminClient();
        Node node = admin.nodes().list().getItems().get(0);
        assertTrue(Readiness.getInstance().isReady(node), () -> "node not Ready: " + node.getStatus());
        String apiServer = admin.getKubernetesVersion().getGitVersion();
        assertEquals(apiServer, node.getStatus().getNodeInfo().getKubeletVersion());
    }

    @Test
    void aPodRunsUnderPodSecurityRestricted() {
        KubernetesClient admin = cluster.adminClient();
        String namespace = "restricted-" + Long.toHexString(System.nanoTime());
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .withLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted")).endMetadata().build()).create();
        try {
            Pod pod = new PodBuilder().withNewMetadata().withName("pause").endMetadata()
                    .withNewSpec().withAutomountServiceAccountToken(false)
                    .withNewSecurityContext().withRunAsNonRoot(true).withNewSeccompProfile().withType("RuntimeDefault")
                    .endSeccompProfile().endSecurityContext()
                    .addNewContainer().withName("pause").withImage("rewind.local/pause:1").withImagePullPolicy("Never")
                    .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                    .endContainer().endSpec().build();
            admin.pods().inNamespace(namespace).resource(pod).create();
            admin.pods().inNamespace(namespace).withName("pause").waitUntilReady(60, TimeUnit.SECONDS);
        } finally {
            admin.namespaces().withName(namespace).delete();
        }
    }
}
