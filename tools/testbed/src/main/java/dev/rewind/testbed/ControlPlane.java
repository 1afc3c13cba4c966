package dev.rewind.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * etcd and kube-apiserver on free ports of 127.0.0.1, with a generated CA, a serving certificate
 * and an admin client certificate. {@link #start} returns once {@code /readyz} passes.
 *
 * <p>The aggregation layer is configured as kubeadm configures it: a separate front-proxy CA, a
 * client certificate {@code CN=front-proxy-client} that it signed, with which kube-apiserver calls
 * extension API servers (APIServices backed by a Service), and the {@code --requestheader-*} flags
 * that tell those servers, through the ConfigMap {@code kube-system/extension-apiserver-authentication},
 * which CA and name to trust and in which headers the user comes.
 */
final class ControlPlane implements AutoCloseable {

    static final String ADMIN_USER = "rewind-admin";
    /** The common name of the client certificate kube-apiserver presents to extension API servers. */
    static final String FRONT_PROXY_CLIENT = "front-proxy-client";
    private static final Duration START_TIMEOUT =
            Duration.ofSeconds(Long.getLong("rewind.kube.startTimeoutSeconds", 60));

    private final Path binDir;
    private final WorkDir workDir;
    private final List<ServerProcess> servers = new ArrayList<>();
    private CertificateAuthority ca;
    private CertificateAuthority frontProxyCa;
    private IssuedCertificate admin;
    private String apiServerUrl;

    private ControlPlane(Path binDir, WorkDir workDir) {
        this.binDir = binDir;
        this.workDir = workDir;
    }

    /**
     * Starts both servers and waits until the API server is ready.
     *
     * @throws ServerExited if a server ended while starting
     */
    static ControlPlane start(Path binDir, WorkDir workDir) {
        ControlPlane controlPlane = new ControlPlane(binDir, workDir);
        try {
            controlPlane.startServers();
            controlPlane.awaitReady();
            return controlPlane;
        } catch (RuntimeException e) {
            controlPlane.close();
            throw e;
        }
    }

    /** The CA of the serving certificate and of every client certificate. */
    CertificateAuthority ca() {
        return ca;
    }

    /** The CA of the front-proxy client certificate, which extension API servers trust for request headers. */
    CertificateAuthority frontProxyCa() {
        return frontProxyCa;
    }

    /** The admin's client certificate: {@code CN=rewind-admin, O=system:masters}. */
    IssuedCertificate adminCertificate() {
        return admin;
    }

    String apiServerUrl() {
        return apiServerUrl;
    }

    /** Stops kube-apiserver, then etcd. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = servers.size() - 1; i >= 0; i--) {
            try {
                servers.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** A server process ended while the control plane was starting. */
    static final class ServerExited extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final boolean portTaken;

        ServerExited(String message, boolean portTaken) {
            super(message);
            this.portTaken = portTaken;
        }

        /** Whether it failed to bind a port, which another process took after we found it free. */
        boolean portTaken() {
            return portTaken;
        }
    }

    private void startServers() {
        int etcdClientPort = freePort();
        int etcdPeerPort = freePort();
        int apiServerPort = freePort();
        apiServerUrl = "https://127.0.0.1:" + apiServerPort;
        String etcdUrl = "http://127.0.0.1:" + etcdClientPort;
        String etcdPeerUrl = "http://127.0.0.1:" + etcdPeerPort;

        // etcd first, so that it starts while the certificates are made; kube-apiserver need not
        // wait for etcd either: it retries until etcd answers.
        servers.add(ServerProcess.start("etcd", List.of(
                binDir.resolve("etcd").toString(),
                "--name=rewind-testbed",
                "--data-dir=" + workDir.resolve("etcd"),
                "--listen-client-urls=" + etcdUrl,
                "--advertise-client-urls=" + etcdUrl,
                "--listen-peer-urls=" + etcdPeerUrl,
                "--initial-advertise-peer-urls=" + etcdPeerUrl,
                "--initial-cluster=rewind-testbed=" + etcdPeerUrl,
                // Test data need not survive a power cut; fsync would dominate the API latency.
                "--unsafe-no-fsync=true",
                "--log-level=warn"), workDir));

        ca = CertificateAuthority.create("rewind-testbed-ca");
        IssuedCertificate serving = ca.issueServerCertificate("127.0.0.1", "localhost", "kubernetes",
                "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local");
        admin = ca.issueClientCertificate(ADMIN_USER, "system:masters");
        KeyPair serviceAccountKeys = CertificateAuthority.newKeyPair();
        Path caFile = workDir.write("pki/ca.crt", ca.certificatePem());
        Path servingCert = workDir.write("pki/apiserver.crt", serving.certificatePem());
        Path servingKey = workDir.write("pki/apiserver.key", serving.privateKeyPem());
        Path serviceAccountKey = workDir.write("pki/service-account.key",
                Pem.privateKey(serviceAccountKeys.getPrivate()));
        Path serviceAccountPublicKey = workDir.write("pki/service-account.pub",
                Pem.publicKey(serviceAccountKeys.getPublic()));
        // The aggregation layer, as kubeadm sets it up: its own CA, so that no client certificate of
        // the main CA can pass for the front proxy at an extension API server.
        frontProxyCa = CertificateAuthority.create("rewind-testbed-front-proxy-ca");
        IssuedCertificate frontProxyClient = frontProxyCa.issueClientCertificate(FRONT_PROXY_CLIENT);
        Path frontProxyCaFile = workDir.write("pki/front-proxy-ca.crt", frontProxyCa.certificatePem());
        Path frontProxyClientCert = workDir.write("pki/front-proxy-client.crt", frontProxyClient.certificatePem());
        Path frontProxyClientKey = workDir.write("pki/front-proxy-client.key", frontProxyClient.privateKeyPem());

        servers.add(ServerProcess.start("kube-apiserver", List.of(
                binDir.resolve("kube-apiserver").toString(),
                "--etcd-servers=" + etcdUrl,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + apiServerPort,
                "--cert-dir=" + workDir.resolve("pki"),
                "--tls-cert-file=" + servingCert,
                "--tls-private-key-file=" + servingKey,
                "--client-ca-file=" + caFile,
                "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + serviceAccountPublicKey,
                "--service-account-signing-key-file=" + serviceAccountKey,
                // A virtual range for Service cluster IPs; nothing is ever routed to it.
                "--service-cluster-ip-range=10.0.0.0/24",
                // The loopback address cannot go into the `kubernetes` Endpoints; keep none.
                "--endpoint-reconciler-type=none",
                // The aggregation layer (kubeadm's flags). kube-apiserver publishes the CA, the allowed
                // names and the header names in kube-system/extension-apiserver-authentication.
                "--requestheader-client-ca-file=" + frontProxyCaFile,
                "--requestheader-allowed-names=" + FRONT_PROXY_CLIENT,
                "--requestheader-username-headers=X-Remote-User",
                "--requestheader-group-headers=X-Remote-Group",
                "--requestheader-extra-headers-prefix=X-Remote-Extra-",
                "--proxy-client-cert-file=" + frontProxyClientCert,
                "--proxy-client-key-file=" + frontProxyClientKey,
                // No kube-proxy routes Service cluster IPs here: call an APIService's Service at the
                // address of its endpoints (EndpointSlices) instead.
                "--enable-aggregator-routing=true",
                "--allow-privileged=true",
                "--profiling=false"), workDir));
    }

    /** Polls /readyz until every check passes, i.e. also the RBAC bootstrap roles exist. */
    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(clientTls())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .build();
        HttpRequest readyz = HttpRequest.newBuilder(URI.create(apiServerUrl + "/readyz?verbose"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String lastAnswer = "no answer yet";
        while (System.nanoTime() < deadline) {
            for (ServerProcess server : servers) {
                if (!server.isAlive()) {
                    throw new ServerExited("the test bed's " + server.diagnostics(),
                            server.logContains("address already in use"));
                }
            }
            try {
                HttpResponse<String> response = http.send(readyz, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + response.statusCode() + ":\n" + response.body();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for kube-apiserver", e);
            }
            pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException("kube-apiserver at " + apiServerUrl + " not ready after " + START_TIMEOUT
                + "; last /readyz answer: " + lastAnswer + "\n" + servers.get(1).diagnostics());
    }

    private SSLContext clientTls() {
        try {
            char[] password = "unused".toCharArray();
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(admin.keyStore(password), password);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for the readiness check", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kube-apiserver", e);
        }
    }
}
