package dev.rewind.testbed;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The aggregation layer: kube-apiserver publishes the front-proxy CA, marks an APIService served by a
 * process of the test Available, proxies an authorized user's request to it with the front-proxy
 * client certificate and the user in X-Remote-User / X-Remote-Group, and the server, trusting only
 * that CA, refuses connections that come without its certificate.
 */
@KubeApiTest
class AggregatedApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTHENTICATION_CONFIG_MAP = "extension-apiserver-authentication";

    private KubernetesClient admin;
    private AggregatedApi api;
    private CertificateAuthority servingCa;
    private EchoingApiServer server;

    @BeforeEach
    void startServer(KubeTestBed kube, @TestNamespace String namespace) throws Exception {
        admin = kube.adminClient();
        // As an extension API server does: whom to trust and where the user is, from the ConfigMap.
        Map<String, String> authentication = awaitAuthenticationConfigMap().getData();
        X509Certificate frontProxyCa = certificate(authentication.get("requestheader-client-ca-file"));

        // A group of its own: APIServices are cluster-wide and tests share the API server.
        api = kube.aggregatedApi(namespace, namespace + ".testbed.rewind.dev", "v1alpha1");
        servingCa = CertificateAuthority.create("echoing-api-ca");
        server = new EchoingApiServer(api.hostAddress(), servingCa.issueServerCertificate(api.serviceHost()),
                frontProxyCa, new HashSet<>(strings(authentication.get("requestheader-allowed-names"))),
                strings(authentication.get("requestheader-username-headers")).get(0),
                strings(authentication.get("requestheader-group-headers")).get(0),
                api.group(), api.version());
    }

    @AfterEach
    void stopServer() {
        if (api != null) {
            api.close();
        }
        if (server != null) {
            server.close();
            assertEquals(List.of(), server.failures(), "the server failed to answer");
        }
    }

    @Test
    void apiServerPublishesTheFrontProxyCaAndTheHeadersForExtensionServers(KubeTestBed kube) throws Exception {
        Map<String, String> authentication = awaitAuthenticationConfigMap().getData();

        assertEquals(kube.frontProxyCaCertificatePem().strip(),
                authentication.get("requestheader-client-ca-file").strip());
        assertEquals(kube.caCertificatePem().strip(), authentication.get("client-ca-file").strip());
        assertEquals(List.of("front-proxy-client"), strings(authentication.get("requestheader-allowed-names")));
        assertEquals(List.of("X-Remote-User"), strings(authentication.get("requestheader-username-headers")));
        assertEquals(List.of("X-Remote-Group"), strings(authentication.get("requestheader-group-headers")));
        assertEquals(List.of("X-Remote-Extra-"), strings(authentication.get("requestheader-extra-headers-prefix")));
    }

    @Test
    void authorizedUsersReachTheServerThroughTheApiServerWithTheirNameInTheHeaders(KubeTestBed kube,
            @TestNamespace String namespace) throws Exception {
        api.register(server.port(), servingCa.certificatePem()).awaitAvailable();

        assertEquals("True", api.availableCondition().get("status"));
        // The availability check: discovery, over the front proxy's connection, as the aggregator.
        assertTrue(server.calls().contains(new EchoingApiServer.Call(api.path(), "front-proxy-client",
                "system:kube-aggregator", List.of("system:masters"))), () -> "calls: " + server.calls());

        grantListThings(namespace);
        KubeUser dana = kube.restrictedUser("dana", "rewind-queriers");
        KubeUser reader = kube.serviceAccount(namespace, "thing-reader");
        KubeUser erin = kube.restrictedUser("erin", "rewind-others");
        awaitAllowedToListThings(dana, namespace);
        awaitAllowedToListThings(reader, namespace);
        String things = api.path() + "/namespaces/" + namespace + "/things";

        JsonNode danaSaw = seen(kube.run("kubectl", dana.kubeconfig(), "get", "--raw", things).assertSuccess());
        JsonNode readerSaw = seen(kube.run("kubectl", reader.kubeconfig(), "get", "--raw", things).assertSuccess());
        ToolResult erinRefused = kube.run("kubectl", erin.kubeconfig(), "get", "--raw", things);

        assertEquals("dana", danaSaw.path("remoteUser").asText());
        assertEquals(List.of("rewind-queriers", "system:authenticated"), texts(danaSaw.path("remoteGroups")));
        assertEquals("system:serviceaccount:" + namespace + ":thing-reader", readerSaw.path("remoteUser").asText());
        assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"),
                texts(readerSaw.path("remoteGroups")));
        // kube-apiserver authorizes before it proxies: erin never gets to the server.
        assertEquals(1, erinRefused.exitCode());
        assertTrue(erinRefused.stderr().contains("Forbidden"), erinRefused::stderr);
        assertTrue(server.calls().stream().noneMatch(call -> "erin".equals(call.user())), () -> "calls: " + server.calls());
        assertTrue(server.calls().stream().filter(call -> call.path().equals(things))
                .allMatch(call -> call.commonName().equals("front-proxy-client")), () -> "calls: " + server.calls());
    }

    @Test
    void serverAnswersOnlyConnectionsWithTheFrontProxyClientCertificate(KubeTestBed kube) throws Exception {
        IssuedCertificate frontProxy = kube.frontProxyClientCertificate();
        IssuedCertificate impostor = CertificateAuthority.create("impostor-ca")
                .issueClientCertificate("front-proxy-client");

        String withFrontProxyCertificate = directRequest(frontProxy, "alice");
        String withoutCertificate = directRequest(null, "mallory");
        String withImpostorCertificate = directRequest(impostor, "mallory");

        assertEquals("HTTP/1.1 200 OK", withFrontProxyCertificate);
        // The JDK's HttpsServer drops a connection whose client certificate it refuses: the client
        // sees the connection closed or broken, never an HTTP answer.
        assertFalse(withoutCertificate.startsWith("HTTP/"), withoutCertificate);
        assertFalse(withImpostorCertificate.startsWith("HTTP/"), withImpostorCertificate);
        assertEquals(List.of("alice"), server.calls().stream().map(EchoingApiServer.Call::user).toList());
    }

    /**
     * GET of the things straight from the server (trusting its certificate, not through kube-apiserver)
     * with {@code clientCertificate} or none, claiming to be {@code user} in group system:masters.
     * Returns the answer's status line, or how the connection failed.
     */
    private String directRequest(IssuedCertificate clientCertificate, String user) throws GeneralSecurityException {
        SSLContext tls = SSLContext.getInstance("TLS");
        KeyManagerFactory keys = null;
        if (clientCertificate != null) {
            char[] password = "unused".toCharArray();
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(clientCertificate.keyStore(password), password);
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try {
            trusted.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        trusted.setCertificateEntry("serving-ca", servingCa.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        tls.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(api.hostAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + api.path() + "/namespaces/" + api.namespace() + "/things HTTP/1.1\r\n"
                    + "Host: " + api.serviceHost() + "\r\n"
                    + "X-Remote-User: " + user + "\r\nX-Remote-Group: system:masters\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.isEmpty() ? "closed without an answer" : answer.lines().findFirst().orElseThrow();
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    private ConfigMap awaitAuthenticationConfigMap() {
        // Written by a post-start hook of kube-apiserver; /readyz does not wait for it.
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> admin.configMaps().inNamespace("kube-system").withName(AUTHENTICATION_CONFIG_MAP).get(),
                configMap -> configMap != null && configMap.getData() != null
                        && configMap.getData().containsKey("requestheader-client-ca-file"));
    }

    private void grantListThings(String namespace) {
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
                .withNewMetadata().withName("thing-lister").endMetadata()
                .addNewRule().withApiGroups(api.group()).withResources("things").withVerbs("list").endRule()
                .build()).create();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
                .withNewMetadata().withName("thing-listers").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("thing-lister")
                .endRoleRef()
                .addNewSubject().withKind("Group").withApiGroup("rbac.authorization.k8s.io").withName("rewind-queriers")
                .endSubject()
                .addNewSubject().withKind("ServiceAccount").withNamespace(namespace).withName("thing-reader").endSubject()
                .build()).create();
    }

    /** RBAC learns of the binding through a watch: wait until the API server says yes to the user. */
    private void awaitAllowedToListThings(KubeUser user, String namespace) {
        await().atMost(Duration.ofSeconds(10)).until(() -> user.client().authorization().v1().selfSubjectAccessReview()
                .create(new SelfSubjectAccessReviewBuilder()
                        .withNewSpec().withNewResourceAttributes()
                        .withGroup(api.group()).withResource("things").withVerb("list").withNamespace(namespace)
                        .endResourceAttributes().endSpec()
                        .build())
                .getStatus().getAllowed());
    }

    private static JsonNode seen(ToolResult list) throws IOException {
        JsonNode answer = JSON.readTree(list.stdout());
        assertEquals("ThingList", answer.path("kind").asText(), list::stdout);
        return answer.path("items").path(0).path("seen");
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** The ConfigMap's lists are JSON arrays of strings. */
    private static List<String> strings(String jsonArray) throws IOException {
        return texts(JSON.readTree(jsonArray));
    }

    private static X509Certificate certificate(String pem) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }
}
