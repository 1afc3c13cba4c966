package dev.rewind.testbed;

import java.nio.file.Path;
import java.util.List;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A user of the test API server: either a restricted user with its own client certificate
 * ({@link KubeTestBed#restrictedUser}) or an identity the admin impersonates
 * ({@link KubeTestBed#impersonate}, {@link KubeTestBed#serviceAccount}). RBAC decides what it may do.
 *
 * <p>{@link #client()} is created on first use and closed by {@link #close()} or, at the latest,
 * when the test bed stops.
 */
public final class KubeUser implements AutoCloseable {

    private final String name;
    private final List<String> groups;
    private final Config config;
    private final Path kubeconfig;
    private KubernetesClient client;

    KubeUser(String name, List<String> groups, Config config, Path kubeconfig) {
        this.name = name;
        this.groups = List.copyOf(groups);
        this.config = config;
        this.kubeconfig = kubeconfig;
    }

    /** The user name the API server sees, e.g. {@code alice} or {@code system:serviceaccount:ns:sa}. */
    public String name() {
        return name;
    }

    /** The groups given with the user; the API server adds {@code system:authenticated}. */
    public List<String> groups() {
        return groups;
    }

    /** The Fabric8 configuration of this user, to build further clients. */
    public Config config() {
        return config;
    }

    /** A kubeconfig file for this user, for kubectl, helm or a separate JVM. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public synchronized KubernetesClient client() {
        if (client == null) {
            client = new KubernetesClientBuilder().withConfig(config).build();
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public String toString() {
        return "KubeUser[" + name + ", groups=" + groups + "]";
    }
}
