package dev.rewind.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real Kubernetes API server for tests: etcd and kube-apiserver on 127.0.0.1, started once per
 * test JVM by {@link #shared()} and stopped when the JVM exits.
 *
 * <p>What is on: TLS with a generated CA, client-certificate authentication, RBAC authorization,
 * the default admission plugins (among them MutatingAdmissionWebhook, ValidatingAdmissionWebhook,
 * PodSecurity and ServiceAccount), the aggregation layer with a front-proxy CA (see
 * {@link #aggregatedApi}). What is not there: no controller-manager and no scheduler, so
 * nothing reconciles built-in objects (Pods stay Pending, deleted namespaces stay Terminating,
 * nothing creates the {@code default} ServiceAccount, which {@link #newNamespace()} does instead).
 *
 * <p>Binaries come from {@code tools/kube/build.sh}; see {@link KubeBinaries} for how they are found.
 */
public final class KubeTestBed {

    private static final System.Logger LOG = System.getLogger(KubeTestBed.class.getName());
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);
    private static final String LABEL = "rewind.dev/testbed";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static KubeTestBed shared;
    private static RuntimeException sharedFailure;

    private final Path binDir;
    private final WorkDir workDir;
    private final ControlPlane controlPlane;
    private final Kubeconfig adminKubeconfig;
    private final Path adminKubeconfigFile;
    private final KubernetesClient adminClient;
    private final List<KubeUser> users = new ArrayList<>();
    private final AtomicInteger kubeconfigCounter = new AtomicInteger();
    private final AtomicInteger toolRunCounter = new AtomicInteger();

    private KubeTestBed(Path binDir, WorkDir workDir, ControlPlane controlPlane) {
        this.binDir = binDir;
        this.workDir = workDir;
        this.controlPlane = controlPlane;
        this.adminKubeconfig = Kubeconfig.of(controlPlane.apiServerUrl(), controlPlane.ca().certificatePem(),
                ControlPlane.ADMIN_USER, controlPlane.adminCertificate());
        this.adminKubeconfigFile = adminKubeconfig.writeTo(workDir.resolve("kubeconfig"));
        this.adminClient = new KubernetesClientBuilder().withConfig(adminKubeconfig.toConfig()).build();
    }

    /**
     * The test bed of this JVM, started on first use (a few seconds) and stopped by a shutdown
     * hook. If starting fails, every later call fails the same way at once.
     */
    public static synchronized KubeTestBed shared() {
        if (sharedFailure != null) {
            throw new IllegalStateException("the Kubernetes test bed failed to start earlier", sharedFailure);
        }
        if (shared == null) {
            try {
                shared = start();
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            KubeTestBed started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "rewind-kube-testbed-stop"));
        }
        return shared;
    }

    private static KubeTestBed start() {
        long startedAt = System.nanoTime();
        Path binDir = KubeBinaries.locate();
        for (int attempt = 1; ; attempt++) {
            WorkDir workDir = WorkDir.create();
            ControlPlane controlPlane;
            try {
                controlPlane = ControlPlane.start(binDir, workDir);
            } catch (ControlPlane.ServerExited e) {
                workDir.close();
                // Another process may take a port between our probe and the server's bind;
                // new ports fix that. Any other failure would only repeat.
                if (!e.portTaken() || attempt == 2) {
                    throw e;
                }
                LOG.log(Level.WARNING, "a port was taken; starting the Kubernetes test bed again", e);
                continue;
            } catch (RuntimeException e) {
                workDir.close();
                throw e;
            }
            try {
                KubeTestBed bed = new KubeTestBed(binDir, workDir, controlPlane);
                LOG.log(Level.INFO, "Kubernetes test bed ready in {0} ms: {1}, kubeconfig {2}",
                        (System.nanoTime() - startedAt) / 1_000_000, bed.apiServerUrl(), bed.kubeconfig());
                return bed;
            } catch (RuntimeException e) {
                controlPlane.close();
                workDir.close();
                throw e;
            }
        }
    }

    /** The API server URL, {@code https://127.0.0.1:PORT}. */
    public String apiServerUrl() {
        return controlPlane.apiServerUrl();
    }

    /** The CA that signed the API server's certificate and every client certificate, in PEM. */
    public String caCertificatePem() {
        return controlPlane.ca().certificatePem();
    }

    /**
     * The front-proxy CA in PEM: it signed the client certificate ({@code CN=front-proxy-client})
     * with which kube-apiserver calls extension API servers, which trust the {@code X-Remote-User}
     * and {@code X-Remote-Group} headers of a request only over a connection with that certificate.
     * kube-apiserver also publishes it, as extension servers read it, under
     * {@code requestheader-client-ca-file} in the ConfigMap
     * {@code kube-system/extension-apiserver-authentication}. See {@link AggregatedApi}.
     */
    public String frontProxyCaCertificatePem() {
        return controlPlane.frontProxyCa().certificatePem();
    }

    /**
     * A new client certificate {@code CN=front-proxy-client} of the front-proxy CA, like the one
     * kube-apiserver presents to extension API servers: for a test that calls such a server directly,
     * as kube-apiserver would, with {@code X-Remote-*} headers of its choosing.
     */
    public IssuedCertificate frontProxyClientCertificate() {
        return controlPlane.frontProxyCa().issueClientCertificate(ControlPlane.FRONT_PROXY_CLIENT);
    }

    /**
     * An aggregated API {@code /apis/group/version} that kube-apiserver is to proxy to an HTTPS server
     * of the test on this host: gives the Service's host name (for the server certificate) and the
     * address to listen on; {@link AggregatedApi#register} then creates the Service, its EndpointSlice
     * in {@code namespace} and the APIService, and {@link AggregatedApi#close()} deletes them.
     *
     * @throws IllegalStateException if this host has no address kube-apiserver may dial
     *         (see {@link AggregatedApi#hostAddress()})
     */
    public AggregatedApi aggregatedApi(String namespace, String group, String version) {
        return new AggregatedApi(adminClient, namespace, group, version);
    }

    /**
     * A client with full rights (group {@code system:masters}), shared by all tests of the JVM:
     * do not close it.
     */
    public KubernetesClient adminClient() {
        return adminClient;
    }

    /** The admin's Fabric8 configuration, to build clients with other settings. */
    public Config adminConfig() {
        return adminKubeconfig.toConfig();
    }

    /** An admin kubeconfig file for kubectl, helm or an operator started as a separate process. */
    public Path kubeconfig() {
        return adminKubeconfigFile;
    }

    /** The directory with etcd, kube-apiserver, kubectl and helm. */
    public Path binDir() {
        return binDir;
    }

    /** A binary from {@link #binDir()}, e.g. {@code binary("kubectl")}, {@code binary("helm")}. */
    public Path binary(String name) {
        Path binary = binDir.resolve(name);
        if (!Files.isExecutable(binary)) {
            throw new IllegalArgumentException("no executable " + name + " in " + binDir
                    + "; run " + KubeBinaries.BUILD_SCRIPT + " to build the test binaries");
        }
        return binary;
    }

    /**
     * Runs a binary of {@link #binDir()} ({@code kubectl}, {@code helm}) against this API server as
     * the user of {@code kubeconfig} ({@link #kubeconfig()} or {@link KubeUser#kubeconfig()}), and
     * waits for it, at most two minutes. Caches and Helm's settings go into the test bed's
     * directory, never the user's home.
     */
    public ToolResult run(String binary, Path kubeconfig, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary(binary).toString());
        command.addAll(Arrays.asList(args));
        int id = toolRunCounter.incrementAndGet();
        Path stdout = workDir.resolve("runs", id + "-" + binary + ".out");
        Path stderr = workDir.resolve("runs", id + "-" + binary + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("KUBECACHEDIR", workDir.resolve("kube-cache").toString());
        builder.environment().put("HELM_CACHE_HOME", workDir.resolve("helm", "cache").toString());
        builder.environment().put("HELM_CONFIG_HOME", workDir.resolve("helm", "config").toString());
        builder.environment().put("HELM_DATA_HOME", workDir.resolve("helm", "data").toString());
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + TOOL_TIMEOUT
                        + "; output so far in " + stdout + " and " + stderr);
            }
            return new ToolResult(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** Creates a namespace named {@code rewind-test-XXXXXX}; see {@link #newNamespace(String)}. */
    public String newNamespace() {
        return newNamespace("rewind-test");
    }

    /**
     * Creates a namespace named {@code prefix-XXXXXX} (random suffix) with its {@code default}
     * ServiceAccount, which the ServiceAccount admission plugin requires before it admits a Pod and
     * which, without a controller-manager, nobody else creates.
     */
    public String newNamespace(String prefix) {
        String name = prefix + "-" + randomSuffix();
        adminClient.namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withName(name).addToLabels(LABEL, "true").endMetadata()
                .build()).create();
        adminClient.serviceAccounts().inNamespace(name).resource(new ServiceAccountBuilder()
                .withNewMetadata().withName("default").endMetadata()
                .build()).create();
        return name;
    }

    /**
     * Deletes a namespace. Without a controller-manager its content is not deleted and it stays
     * {@code Terminating}, which refuses new objects in it; it is gone with the test bed.
     */
    public void deleteNamespace(String name) {
        adminClient.namespaces().withName(name).delete();
    }

    /**
     * A user that authenticates with its own client certificate ({@code CN=name}, {@code O=group}
     * for each group) and so has only the rights RBAC grants to that name and those groups.
     */
    public synchronized KubeUser restrictedUser(String name, String... groups) {
        IssuedCertificate certificate = controlPlane.ca().issueClientCertificate(name, groups);
        Kubeconfig kubeconfig = Kubeconfig.of(apiServerUrl(), caCertificatePem(), name, certificate);
        return track(name, groups, kubeconfig);
    }

    /**
     * The admin impersonating {@code user} with {@code groups}: requests are authorized as that
     * user, as with {@code kubectl --as=user --as-group=group}. No certificate is issued.
     */
    public synchronized KubeUser impersonate(String user, String... groups) {
        return track(user, groups, adminKubeconfig.impersonating(user, Arrays.asList(groups)));
    }

    /**
     * The admin impersonating ServiceAccount {@code name} of {@code namespace}, with the groups the
     * API server gives ServiceAccounts; the ServiceAccount object need not exist.
     */
    public KubeUser serviceAccount(String namespace, String name) {
        return impersonate("system:serviceaccount:" + namespace + ":" + name,
                "system:serviceaccounts", "system:serviceaccounts:" + namespace);
    }

    private KubeUser track(String name, String[] groups, Kubeconfig kubeconfig) {
        String fileName = kubeconfigCounter.incrementAndGet() + "-" + name.replaceAll("[^A-Za-z0-9._-]", "_");
        Path file = kubeconfig.writeTo(workDir.resolve("users", fileName + ".kubeconfig"));
        KubeUser user = new KubeUser(name, Arrays.asList(groups), kubeconfig.toConfig(), file);
        users.add(user);
        return user;
    }

    /** Stops everything in reverse order; each step runs even if an earlier one failed. */
    private synchronized void stop() {
        users.forEach(user -> closeLogged("client of " + user, user::close));
        closeLogged("admin client", adminClient::close);
        closeLogged("etcd and kube-apiserver", controlPlane::close);
        closeLogged("work directory " + workDir.path(), workDir::close);
    }

    private static void closeLogged(String what, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot stop " + what, e);
        }
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            suffix.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return suffix.toString();
    }
}
