package dev.rewind.operator.webhook;

import static org.awaitility.Awaitility.await;

import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The injector's RBAC as shipped ({@code src/main/kubernetes/webhook/rbac.yaml}), installed for the ServiceAccount
 * {@code rewind-operator} of a test's operator namespace, so the injector runs with exactly those rules. Tests share
 * one API server: cluster-scoped objects get the namespace in their name, and the configuration name in the rules
 * becomes the test's own.
 */
final class InjectorRbac {

  static final String SERVICE_ACCOUNT = "rewind-operator";
  static final Path FILE = Path.of("src/main/kubernetes/webhook/rbac.yaml");

  private InjectorRbac() {}

  static KubeUser installFor(KubeTestBed kube, String namespace, String configurationName) {
    KubernetesClient admin = kube.adminClient();
    for (HasMetadata object : objects(admin)) {
      if (object instanceof ClusterRole role) {
        role.getMetadata().setName(role.getMetadata().getName() + "-" + namespace);
        role.getRules().forEach(rule -> renameConfiguration(rule, configurationName));
      } else if (object instanceof ClusterRoleBinding binding) {
        binding.getMetadata().setName(binding.getMetadata().getName() + "-" + namespace);
        binding.getRoleRef().setName(binding.getRoleRef().getName() + "-" + namespace);
        binding.getSubjects().forEach(s -> s.setNamespace(namespace));
      } else if (object instanceof RoleBinding binding) {
        binding.getMetadata().setNamespace(namespace);
        binding.getSubjects().forEach(s -> s.setNamespace(namespace));
      } else if (object instanceof Role role) {
        role.getMetadata().setNamespace(namespace);
      } else {
        throw new IllegalStateException("unexpected object in " + FILE + ": " + object.getKind());
      }
      admin.resource(object).forceConflicts().serverSideApply();
    }
    KubeUser operator = kube.serviceAccount(namespace, SERVICE_ACCOUNT);
    // RBAC learns of new bindings through a watch: wait until the last rule of each binding is in effect.
    await().atMost(Duration.ofSeconds(20)).until(() ->
        allowed(operator.client(), null, "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "update",
            configurationName)
            && allowed(operator.client(), namespace, "", "secrets", "update", "rewind-webhook-tls"));
    return operator;
  }

  /** Removes the cluster-scoped objects (the namespaced ones go with the namespace). */
  static void uninstall(KubernetesClient admin, String namespace) {
    admin.rbac().clusterRoleBindings().withName("rewind-sidecar-injector-" + namespace).delete();
    admin.rbac().clusterRoles().withName("rewind-sidecar-injector-" + namespace).delete();
  }

  private static void renameConfiguration(PolicyRule rule, String configurationName) {
    if (rule.getResourceNames() != null && rule.getResourceNames().contains("rewind-sidecar-injector")) {
      rule.setResourceNames(List.of(configurationName));
    }
  }

  private static List<HasMetadata> objects(KubernetesClient client) {
    try (InputStream yaml = Files.newInputStream(FILE)) {
      return client.load(yaml).items();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FILE, e);
    }
  }

  private static boolean allowed(KubernetesClient client, String namespace, String group, String resource,
      String verb, String name) {
    return client.resource(new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
        .withNamespace(namespace).withGroup(group).withResource(resource).withVerb(verb).withName(name)
        .endResourceAttributes().endSpec().build()).create().getStatus().getAllowed();
  }
}
