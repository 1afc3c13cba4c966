package dev.rewind.operator.testing;

import static org.awaitility.Awaitility.await;

import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The operator's RBAC as shipped ({@code src/main/kubernetes/rbac.yaml}), installed for a ServiceAccount of a test
 * namespace: the operator then runs as that ServiceAccount with exactly these rules. Cluster-scoped objects get the
 * namespace in their name, since tests share one API server.
 */
public final class OperatorRbac {

  public static final String SERVICE_ACCOUNT = "rewind-operator";
  static final Path FILE = Path.of("src/main/kubernetes/rbac.yaml");

  private OperatorRbac() {}

  /** Installs the RBAC for {@code rewind-operator} of {@code namespace} and returns that ServiceAccount as a user. */
  public static KubeUser installFor(KubeTestBed kube, String namespace) {
    KubernetesClient admin = kube.adminClient();
    for (HasMetadata object : objects(admin)) {
      if (object instanceof ClusterRole role) {
        role.getMetadata().setName(role.getMetadata().getName() + "-" + namespace);
      } else if (object instanceof ClusterRoleBinding binding) {
        binding.getMetadata().setName(binding.getMetadata().getName() + "-" + namespace);
        binding.getRoleRef().setName(binding.getRoleRef().getName() + "-" + namespace);
        inNamespace(binding.getSubjects(), namespace);
      } else if (object instanceof RoleBinding binding) {
        binding.getMetadata().setNamespace(namespace);
        inNamespace(binding.getSubjects(), namespace);
      } else {
        object.getMetadata().setNamespace(namespace);
      }
      admin.resource(object).forceConflicts().serverSideApply();
    }
    KubeUser operator = kube.serviceAccount(namespace, SERVICE_ACCOUNT);
    // RBAC learns of new bindings through a watch; wait until the last rule of each object is in effect.
    await().atMost(Duration.ofSeconds(20)).until(() -> allowed(operator.client(), namespace, "rewind.dev",
        "routes/status", "patch") && allowed(operator.client(), namespace, "coordination.k8s.io", "leases",
        "create"));
    return operator;
  }

  static List<HasMetadata> objects(KubernetesClient client) {
    try (InputStream yaml = Files.newInputStream(FILE)) {
      return client.load(yaml).items();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FILE, e);
    }
  }

  private static void inNamespace(List<Subject> subjects, String namespace) {
    subjects.forEach(s -> s.setNamespace(namespace));
  }

  private static boolean allowed(KubernetesClient client, String namespace, String group, String resource,
      String verb) {
    String[] parts = resource.split("/", 2);
    SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder()
        .withNewSpec().withNewResourceAttributes()
        .withNamespace(namespace).withGroup(group).withResource(parts[0])
        .withSubresource(parts.length > 1 ? parts[1] : null).withVerb(verb)
        .endResourceAttributes().endSpec()
        .build();
    return client.resource(review).create().getStatus().getAllowed();
  }
}
