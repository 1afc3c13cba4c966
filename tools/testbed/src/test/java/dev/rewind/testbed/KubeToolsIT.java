package dev.rewind.testbed;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** kubectl and helm from tools/kube reach the test API server through the kubeconfig files. */
@KubeApiTest
class KubeToolsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void kubectlIsTheSameKubernetesVersionAsTheApiServer(KubeTestBed testBed) throws Exception {
        ToolResult version = testBed.run("kubectl", testBed.kubeconfig(), "version", "-o", "json").assertSuccess();

        JsonNode versions = JSON.readTree(version.stdout());
        String server = versions.path("serverVersion").path("gitVersion").asText();
        assertTrue(server.startsWith("v1."), () -> "server version: " + version.stdout());
        assertEquals(server, versions.path("clientVersion").path("gitVersion").asText());
    }

    @Test
    void kubectlActsAsTheUserOfTheKubeconfig(KubeTestBed testBed, @TestNamespace String namespace) {
        testBed.run("kubectl", testBed.kubeconfig(), "-n", namespace, "create", "role", "secret-reader",
                "--verb=get,list", "--resource=secrets").assertSuccess();
        testBed.run("kubectl", testBed.kubeconfig(), "-n", namespace, "create", "rolebinding", "dave-reads-secrets",
                "--role=secret-reader", "--user=dave").assertSuccess();
        KubeUser dave = testBed.restrictedUser("dave");

        // The authorizer learns of the new binding through a watch: wait until it says yes.
        await().atMost(Duration.ofSeconds(10)).until(() -> testBed.run("kubectl", dave.kubeconfig(),
                "-n", namespace, "auth", "can-i", "list", "secrets").stdout().trim().equals("yes"));
        ToolResult pods = testBed.run("kubectl", dave.kubeconfig(), "-n", namespace, "get", "pods");

        assertEquals(1, pods.exitCode());
        assertTrue(pods.stderr().contains("User \"dave\" cannot list resource \"pods\""), pods::stderr);
    }

    @Test
    void helmListsReleasesOfTheCluster(KubeTestBed testBed, @TestNamespace String namespace) throws Exception {
        ToolResult releases = testBed.run("helm", testBed.kubeconfig(), "list", "-n", namespace, "-o", "json")
                .assertSuccess();

        assertEquals(JSON.createArrayNode(), JSON.readTree(releases.stdout()));
    }
}
