package dev.rewind.operator.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Signing secrets read through a real API server by a ServiceAccount that may get Secrets in one namespace only:
 * values are cached for the TTL (a clock the test moves), refreshed in the background once older, and never read
 * outside the opted-in namespaces.
 */
@KubeApiTest
class ApiSecretSourceIT {

  private static final Duration TTL = Duration.ofSeconds(30);

  @Test
  void secretsAreReadOnlyWhereOptedInCachedForTheTtlAndRefreshedWithoutBlocking(KubeTestBed kube) {
    KubernetesClient admin = kube.adminClient();
    String granted = kube.newNamespace("secrets-granted");
    String notGranted = kube.newNamespace("secrets-denied");
    String notListed = kube.newNamespace("secrets-unlisted");
    AtomicLong nanos = new AtomicLong();
    try (KubeUser operator = kube.serviceAccount(granted, "rewind-operator");
        ApiSecretSource secrets = new ApiSecretSource(operator.client(), Set.of(granted, notGranted)::contains, TTL,
            nanos::get)) {
      grantGet(admin, granted);
      for (String ns : new String[] {granted, notGranted, notListed}) {
        put(admin, ns, "webhook-key", "first");
      }
      // RBAC learns of the binding through a watch; a 403 before that would be cached like a missing Secret.
      await().atMost(Duration.ofSeconds(20)).until(() -> mayGetSecrets(operator.client(), granted));
      assertThat(secrets.get(granted, "webhook-key", "k")).isEqualTo("first");

      put(admin, granted, "webhook-key", "second");
      nanos.addAndGet(TTL.toNanos() - 1);
      assertThat(secrets.get(granted, "webhook-key", "k")).as("within the TTL").isEqualTo("first");
      nanos.addAndGet(2);
      // Older than the TTL: the old value still serves this attempt while a background read refreshes it.
      assertThat(secrets.get(granted, "webhook-key", "k")).isEqualTo("first");
      await().atMost(Duration.ofSeconds(10)).until(() -> "second".equals(secrets.get(granted, "webhook-key", "k")));

      assertThat(secrets.get(granted, "no-such-secret", "k")).isNull();
      assertThat(secrets.get(granted, "webhook-key", "no-such-key")).isNull();
      // Listed but not granted by RBAC (403), and granted nowhere because not listed: treated as missing.
      assertThat(secrets.get(notGranted, "webhook-key", "k")).isNull();
      assertThat(secrets.get(notListed, "webhook-key", "k")).isNull();
    } finally {
      kube.deleteNamespace(granted);
      kube.deleteNamespace(notGranted);
      kube.deleteNamespace(notListed);
    }
  }

  @Test
  void lookupsForAttemptsNeverBlockTheCallerAndAnUnreachableApiServerIsRememberedAndNamed(KubeTestBed kube)
      throws Exception {
    KubernetesClient admin = kube.adminClient();
    String ns = kube.newNamespace("secrets-lookup");
    AtomicLong nanos = new AtomicLong();
    try (KubeUser operator = kube.serviceAccount(ns, "rewind-operator");
        ApiSecretSource secrets = new ApiSecretSource(operator.client(), Set.of(ns)::contains, TTL, nanos::get);
        KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
            .withMasterUrl("https://127.0.0.1:" + dev.rewind.journal.testing.Processes.freePort())
            .withRequestRetryBackoffLimit(0).withConnectionTimeout(2000).build()).build();
        ApiSecretSource down = new ApiSecretSource(unreachable, Set.of(ns)::contains, TTL, nanos::get)) {
      grantGet(admin, ns);
      put(admin, ns, "webhook-key", "value");
      await().atMost(Duration.ofSeconds(20)).until(() -> mayGetSecrets(operator.client(), ns));

      // The first read goes to the API server on the source's own thread, never on the caller's (an event loop).
      AtomicReference<String> thread = new AtomicReference<>();
      String first = secrets.lookup(ns, "webhook-key", "k").invoke(v -> thread.set(Thread.currentThread().getName()))
          .await().atMost(Duration.ofSeconds(20));
      assertThat(first).isEqualTo("value");
      assertThat(thread.get()).isEqualTo("rewind-signing-secrets");
      // Cached: answered at once, on the caller's thread.
      secrets.lookup(ns, "webhook-key", "k").invoke(v -> thread.set(Thread.currentThread().getName()))
          .await().atMost(Duration.ofSeconds(1));
      assertThat(thread.get()).isEqualTo(Thread.currentThread().getName());

      // Unreachable: the attempt learns why, and for a few seconds the failure is answered from memory.
      assertThatThrownBy(() -> down.lookup(ns, "webhook-key", "k").await().atMost(Duration.ofSeconds(30)))
          .hasMessageContaining("the API server did not answer");
      AtomicReference<String> failedOn = new AtomicReference<>();
      assertThatThrownBy(() -> down.lookup(ns, "webhook-key", "k")
          .onFailure().invoke(e -> failedOn.set(Thread.currentThread().getName()))
          .await().atMost(Duration.ofSeconds(1))).hasMessageContaining("the API server did not answer");
      assertThat(failedOn.get()).as("a remembered failure is answered without a new read")
          .isEqualTo(Thread.currentThread().getName());
      nanos.addAndGet(ApiSecretSource.FAILURE_TTL.toNanos() + 1);
      AtomicReference<String> retriedOn = new AtomicReference<>();
      assertThatThrownBy(() -> down.lookup(ns, "webhook-key", "k")
          .onFailure().invoke(e -> retriedOn.set(Thread.currentThread().getName()))
          .await().atMost(Duration.ofSeconds(30))).hasMessageContaining("the API server did not answer");
      assertThat(retriedOn.get()).as("past the failure TTL the API server is asked again")
          .isEqualTo("rewind-signing-secrets");
    } finally {
      kube.deleteNamespace(ns);
    }
  }

  private static boolean mayGetSecrets(KubernetesClient client, String ns) {
    return client.resource(new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
        .withNamespace(ns).withResource("secrets").withVerb("get").endResourceAttributes().endSpec().build())
        .create().getStatus().getAllowed();
  }

  private static void put(KubernetesClient admin, String ns, String name, String value) {
    Secret secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .addToStringData("k", value).build();
    admin.resource(secret).forceConflicts().serverSideApply();
  }

  private static void grantGet(KubernetesClient admin, String ns) {
    admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder()
        .withNewMetadata().withName("rewind-operator-signing-secrets").endMetadata()
        .addNewRule().withApiGroups("").withResources("secrets").withVerbs("get").endRule().build()).create();
    admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder()
        .withNewMetadata().withName("rewind-operator-signing-secrets").endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
        .withName("rewind-operator-signing-secrets").endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName("rewind-operator").withNamespace(ns).endSubject()
        .build()).create();
  }
}
