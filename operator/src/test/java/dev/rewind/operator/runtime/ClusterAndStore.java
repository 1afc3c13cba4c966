package dev.rewind.operator.runtime;

import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.operator.testing.Crds;
import dev.rewind.testbed.KubeTestBed;
import io.fabric8.kubernetes.client.Config;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A real API server (with the CRDs) and a real PostgreSQL for the Quarkus application, handed to it through its
 * ordinary configuration keys: the Kubernetes client's connection, the store URL and the watched namespace.
 */
public class ClusterAndStore implements QuarkusTestResourceLifecycleManager {

  static String namespace;
  static String database;

  @Override
  public Map<String, String> start() {
    KubeTestBed kube = KubeTestBed.shared();
    Crds.installed(kube.adminClient());
    namespace = kube.newNamespace("app");
    database = EmbeddedPostgres.newDatabase();
    Config admin = kube.adminConfig();
    return Map.ofEntries(
        Map.entry("quarkus.kubernetes-client.api-server-url", admin.getMasterUrl()),
        Map.entry("quarkus.kubernetes-client.ca-cert-data", admin.getCaCertData()),
        Map.entry("quarkus.kubernetes-client.client-cert-data", admin.getClientCertData()),
        Map.entry("quarkus.kubernetes-client.client-key-data", admin.getClientKeyData()),
        Map.entry("quarkus.kubernetes-client.client-key-algo", admin.getClientKeyAlgo()),
        // The client's namespace stands for the operator's own: the Lease goes there by default.
        Map.entry("quarkus.kubernetes-client.namespace", namespace),
        Map.entry("rewind.store.url", "postgresql://postgres@127.0.0.1:" + EmbeddedPostgres.port() + "/" + database),
        Map.entry("rewind.operator.namespaces", namespace),
        Map.entry("rewind.leader-election.identity", "application-it"),
        // Injection has its own application test; here it would register a cluster-wide webhook configuration.
        Map.entry("rewind.injector.enabled", "false"));
  }

  @Override
  public void stop() {
    // The API server and PostgreSQL stop with the JVM; the namespace goes with the API server.
  }
}
