package dev.rewind.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;

/**
 * How one user reaches the test API server: a client certificate, optionally impersonating another
 * user. Renders both as a kubeconfig file (for kubectl, helm and separate JVMs) and as a Fabric8
 * {@link Config}, so the two never disagree.
 */
record Kubeconfig(String serverUrl, String caPem, String userName, IssuedCertificate credentials,
        String impersonateUser, List<String> impersonateGroups) {

    static final String CLUSTER = "rewind-testbed";

    static Kubeconfig of(String serverUrl, String caPem, String userName, IssuedCertificate credentials) {
        return new Kubeconfig(serverUrl, caPem, userName, credentials, null, List.of());
    }

    Kubeconfig impersonating(String user, List<String> groups) {
        return new Kubeconfig(serverUrl, caPem, user, credentials, user, List.copyOf(groups));
    }

    Config toConfig() {
        // Config.empty(): nothing from ~/.kube/config, KUBECONFIG or system properties leaks in.
        ConfigBuilder builder = new ConfigBuilder(Config.empty())
                .withMasterUrl(serverUrl)
                .withCaCertData(Pem.base64(caPem))
                .withClientCertData(Pem.base64(credentials.certificatePem()))
                .withClientKeyData(Pem.base64(credentials.privateKeyPem()))
                .withClientKeyAlgo("EC");
        if (impersonateUser != null) {
            builder.withImpersonateUsername(impersonateUser)
                    .withImpersonateGroups(impersonateGroups.toArray(String[]::new));
        }
        return builder.build();
    }

    String yaml() {
        String context = userName + "@" + CLUSTER;
        StringBuilder yaml = new StringBuilder()
                .append("apiVersion: v1\nkind: Config\n")
                .append("clusters:\n- name: ").append(CLUSTER).append('\n')
                .append("  cluster:\n")
                .append("    server: ").append(quote(serverUrl)).append('\n')
                .append("    certificate-authority-data: ").append(Pem.base64(caPem)).append('\n')
                .append("users:\n- name: ").append(quote(userName)).append('\n')
                .append("  user:\n")
                .append("    client-certificate-data: ").append(Pem.base64(credentials.certificatePem())).append('\n')
                .append("    client-key-data: ").append(Pem.base64(credentials.privateKeyPem())).append('\n');
        if (impersonateUser != null) {
            yaml.append("    as: ").append(quote(impersonateUser)).append('\n')
                    .append("    as-groups: [")
                    .append(impersonateGroups.stream().map(Kubeconfig::quote).collect(Collectors.joining(", ")))
                    .append("]\n");
        }
        return yaml.append("contexts:\n- name: ").append(quote(context)).append('\n')
                .append("  context:\n")
                .append("    cluster: ").append(CLUSTER).append('\n')
                .append("    user: ").append(quote(userName)).append('\n')
                .append("current-context: ").append(quote(context)).append('\n')
                .toString();
    }

    /** Writes the kubeconfig readable by the owner only (kubectl and helm warn otherwise). */
    Path writeTo(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            return Files.writeString(file, yaml());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kubeconfig " + file, e);
        }
    }

    /** A YAML double-quoted scalar; user names such as system:serviceaccount:ns:sa contain colons. */
    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
