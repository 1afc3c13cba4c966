package dev.rewind.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real one-node cluster on this machine, made by {@code tools/cluster/up.sh} and removed by
 * {@code tools/cluster/down.sh}: etcd, kube-apiserver, controller-manager, scheduler, containerd,
 * kubelet, kube-proxy, a CNI bridge and CoreDNS, so that pods really run. Unlike {@link KubeTestBed}
 * it needs root, the node binaries ({@code tools/kube/build.sh --node}), the host packages
 * ({@code tools/cluster/host-packages.sh}) and the images ({@code tools/images/build.sh}); it is
 * therefore opt-in: tests that use it check {@link #enabled()} (system property
 * {@code rewind.cluster=true}, set by the Maven profile {@code one-node-cluster}).
 *
 * <pre>{@code
 * try (OneNodeCluster cluster = OneNodeCluster.start()) {
 *     cluster.importImage(sidecarArchive);           // an OCI archive of tools/images/build.sh
 *     KubernetesClient admin = cluster.adminClient();
 *     ...
 * }
 * }</pre>
 *
 * One cluster per machine at a time (fixed node address and ports; see tools/cluster/README.md).
 */
public final class OneNodeCluster implements AutoCloseable {

    /** The system property that turns tests on a real node on. */
    public static final String ENABLED_PROPERTY = "rewind.cluster";
    private static final String UP = "tools/cluster/up.sh";
    private static final String DOWN = "tools/cluster/down.sh";
    private static final Duration UP_TIMEOUT = Duration.ofSeconds(
            Long.getLong("rewind.cluster.upTimeoutSeconds", 300));
    private static final Duration DOWN_TIMEOUT = Duration.ofSeconds(180);

    private final Path repository;
    private final Path kubeconfig;
    private final Path log;
    private KubernetesClient adminClient;
    private Path binDir;

    private OneNodeCluster(Path repository, Path kubeconfig, Path log) {
        this.repository = repository;
        this.kubeconfig = kubeconfig;
        this.log = log;
    }

    /** True when the tests on a real node are asked for ({@code -Drewind.cluster=true}). */
    public static boolean enabled() {
        return Boolean.getBoolean(ENABLED_PROPERTY);
    }

    /**
     * Runs up.sh (which starts only what is not running yet) and returns once the node and CoreDNS are
     * Ready; when it fails, runs down.sh before throwing. Their output goes to a log file in the temporary
     * directory.
     */
    public static OneNodeCluster start() {
        Path repository = repositoryRoot();
        try {
            Path log = Files.createTempFile("rewind-cluster-up-", ".log");
            Path stdout = Files.createTempFile("rewind-cluster-up-", ".out");
            int status;
            try {
                status = run(repository, List.of("bash", repository.resolve(UP).toString()), stdout, log, UP_TIMEOUT);
            } catch (IllegalStateException timedOut) {
                run(repository, List.of("bash", repository.resolve(DOWN).toString()), log, log, DOWN_TIMEOUT);
                throw timedOut;
            }
            List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
            Files.deleteIfExists(stdout);
            if (status != 0 || lines.isEmpty()) {
                // Whatever up.sh did start goes again: a failed start leaves the machine as it found it.
                int down = run(repository, List.of("bash", repository.resolve(DOWN).toString()), log, log,
                        DOWN_TIMEOUT);
                throw new IllegalStateException(UP + " failed with status " + status + " (" + DOWN + " then: "
                        + down + "); its log: " + log + "\n" + tail(log, 30));
            }
            Path kubeconfig = Path.of(lines.get(lines.size() - 1).trim());
            if (!Files.isRegularFile(kubeconfig)) {
                throw new IllegalStateException(UP + " printed " + kubeconfig + ", which is not a file");
            }
            return new OneNodeCluster(repository, kubeconfig, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + UP, e);
        }
    }

    /** The admin kubeconfig (system:masters) for kubectl, helm or an operator in another process. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** A Fabric8 client with full rights; shared, closed by {@link #close()}. */
    public synchronized KubernetesClient adminClient() {
        if (adminClient == null) {
            try {
                Config config = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
                adminClient = new KubernetesClientBuilder().withConfig(config).build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + kubeconfig, e);
            }
        }
        return adminClient;
    }

    /** Imports an OCI archive (tools/images/build.sh) into the node's containerd, for imagePullPolicy: Never. */
    public void importImage(Path ociArchive) {
        Path socket = kubeconfig.resolveSibling("containerd").resolve("containerd.sock");
        try {
            Path out = Files.createTempFile("rewind-cluster-import-", ".log");
            int status = run(repository, List.of("ctr", "--address", socket.toString(), "--namespace", "k8s.io",
                    "images", "import", ociArchive.toString()), out, out, Duration.ofMinutes(2));
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            if (status != 0) {
                throw new IllegalStateException("ctr images import " + ociArchive + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import " + ociArchive, e);
        }
    }

    /** Where tools/images/build.sh puts its OCI archives (NAME.tar, with the image name in NAME.ref). */
    public Path imageArchives() {
        return Path.of(printed("tools/images/build.sh", "--print-out-dir"));
    }

    /** The last line a script of the repository prints (a folder it names, with --print-...). */
    private String printed(String script, String option) {
        try {
            Path out = Files.createTempFile("rewind-print-", ".out");
            run(repository, List.of("bash", repository.resolve(script).toString(), option), out, null,
                    Duration.ofSeconds(30));
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            if (lines.isEmpty()) {
                throw new IllegalStateException(script + " " + option + " printed nothing");
            }
            return lines.get(lines.size() - 1).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script + " " + option, e);
        }
    }

    /** The cluster's folder (certificates, logs, kubelet and containerd state); down.sh removes it all. */
    public Path directory() {
        return kubeconfig.getParent();
    }

    /** Where tools/kube/build.sh keeps kubectl, helm and the node binaries. */
    public synchronized Path binDir() {
        if (binDir == null) {
            binDir = Path.of(printed("tools/kube/build.sh", "--print-bin-dir"));
        }
        return binDir;
    }

    /**
     * Runs a tool of {@link #binDir()} ({@code kubectl}, {@code helm}) with this cluster's admin kubeconfig
     * ({@code KUBECONFIG}), waiting at most {@code timeout}; its output is returned, never printed.
     */
    public ToolResult tool(Duration timeout, String tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binDir().resolve(tool).toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("rewind-cluster-" + tool + "-", ".out");
            Path err = Files.createTempFile("rewind-cluster-" + tool + "-", ".err");
            try {
                // Helm's own folders inside the cluster's, so that down.sh removes them too.
                Path helm = directory().resolve("helm");
                int status = run(repository, command, out, err, timeout, Map.of("KUBECONFIG", kubeconfig.toString(),
                        "HELM_CACHE_HOME", helm.resolve("cache").toString(),
                        "HELM_CONFIG_HOME", helm.resolve("config").toString(),
                        "HELM_DATA_HOME", helm.resolve("data").toString()));
                return new ToolResult(status, Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + tool, e);
        }
    }

    /** {@link #tool} with kubectl and a two-minute bound. */
    public ToolResult kubectl(String... args) {
        return tool(Duration.ofMinutes(2), "kubectl", args);
    }

    /** Runs down.sh: every process, mount, interface and rule of the cluster goes, and its folder. */
    @Override
    public void close() {
        synchronized (this) {
            if (adminClient != null) {
                adminClient.close();
                adminClient = null;
            }
        }
        try {
            int status = run(repository, List.of("bash", repository.resolve(DOWN).toString()), log, log, DOWN_TIMEOUT);
            if (status != 0) {
                throw new IllegalStateException(DOWN + " failed with status " + status + "; its log: " + log
                        + "\n" + tail(log, 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + DOWN, e);
        }
    }

    private static int run(Path directory, List<String> command, Path stdout, Path stderr, Duration timeout)
            throws IOException {
        return run(directory, command, stdout, stderr, timeout, Map.of());
    }

    private static int run(Path directory, List<String> command, Path stdout, Path stderr, Duration timeout,
            Map<String, String> extraEnv) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(stderr == null ? ProcessBuilder.Redirect.DISCARD
                        : ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        Map<String, String> env = builder.environment();
        String cache = System.getProperty("rewind.tools.cache");
        if (cache != null && !cache.isBlank()) {
            env.put("REWIND_TOOLS_CACHE", cache);
        }
        env.putAll(extraEnv);
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
                process.destroyForcibly();
                throw new IllegalStateException(command.get(command.size() - 1) + " did not finish within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static Path repositoryRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(UP))) {
                return dir;
            }
        }
        throw new IllegalStateException("Cannot find " + UP + " in " + start + " or above");
    }
}
