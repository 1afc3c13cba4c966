package dev.rewind.operator.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.replay.JournalSeed;
import dev.rewind.journal.testing.HttpSink;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.operator.testing.OperatorRbac;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.KubeUser;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Re-signing replayed events of routes with {@code signing.secretRef}: the operator reads the Secret through the
 * API server, only in namespaces that opted in ({@code rewind.replay.signing-secret-namespaces} plus a Role
 * granting get on secrets there, as the README tells). It runs as its ServiceAccount with the shipped RBAC, which
 * grants no Secret anywhere; each signature is checked here with an independent HMAC.
 */
@KubeApiTest
class ReplaySigningIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void replaysAreSignedAfreshWhereSecretsAreOptedInAndEndConfigErrorNamingTheSecretElsewhere(KubeTestBed kube)
      throws Exception {
    KubernetesClient admin = kube.adminClient();
    Crds.installed(admin);
    String optedIn = kube.newNamespace("signing-in");
    String other = kube.newNamespace("signing-out");
    // A key made for this run: no secret lives in the repository.
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
    try (TestStore journal = TestStore.create(); HttpSink sink = HttpSink.startOnHostAddress()) {
      KubeUser operatorAccount = OperatorRbac.installFor(kube, optedIn);
      grantSecretReads(admin, optedIn);
      await().atMost(WAIT).until(() -> mayGetSecrets(operatorAccount.client(), optedIn));
      assertThat(mayGetSecrets(operatorAccount.client(), other)).isFalse();

      List<UUID> signed = setUp(admin, journal, sink, optedIn, secret);
      List<UUID> unsigned = setUp(admin, journal, sink, other, secret);
      try (RunningReplayOperator operator = RunningReplayOperator.start(operatorAccount.client(),
          RunningReplayOperator.watching(Set.of(optedIn, other), Duration.ofSeconds(1), Set.of(optedIn)),
          journal.store)) {
        awaitPublished(journal, optedIn);
        awaitPublished(journal, other);
        replay(admin, optedIn);
        replay(admin, other);

        assertThat(awaitEnd(admin, optedIn).getStatus().getDelivered()).isEqualTo(signed.size());
        List<HttpSink.Received> received = sink.received().stream()
            .filter(r -> r.path().equals("/hooks/" + optedIn)).toList();
        assertThat(received).hasSize(signed.size());
        for (HttpSink.Received r : received) {
          assertThat(r.header("webhook-signature")).isEqualTo(
              "v1," + hmac(key, r.header("webhook-id") + "." + r.header("webhook-timestamp") + "." + r.bodyText()));
        }

        Replay refused = awaitEnd(admin, other);
        assertThat(refused.getStatus().getPhase()).isEqualTo(ReplayPhase.Failed);
        assertThat(refused.getStatus().getFailed()).isEqualTo(unsigned.size());
        assertThat(sink.received()).noneMatch(r -> r.path().equals("/hooks/" + other));
        assertThat(journal.column("SELECT DISTINCT outcome || ': ' || error FROM rewind.attempts"
            + " WHERE replay_name = 'resend' AND event_id = ANY($1)", (Object) unsigned.toArray(UUID[]::new)))
            .containsExactly("config-error: signing secret webhook-key/secret is not available");
      }
    } finally {
      kube.deleteNamespace(optedIn);
      kube.deleteNamespace(other);
    }
  }

  /** A Route signing with Secret webhook-key (which exists), and three dead events of it. */
  private static List<UUID> setUp(KubernetesClient admin, TestStore journal, HttpSink sink, String ns,
      String secret) {
    admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("webhook-key")
        .endMetadata().addToStringData("secret", secret).build()).create();
    admin.resources(Route.class).inNamespace(ns).resource(Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: hooks}
        spec:
          destination: {url: "%s"}
          signing: {secretRef: {name: webhook-key, key: secret}}
        """.formatted(sink.url("/hooks/" + ns)), Route.class)).create();
    return JournalSeed.in(journal).namespace(ns).route("hooks", sink.url("/hooks/" + ns)).append(3);
  }

  private static void replay(KubernetesClient admin, String ns) {
    admin.resources(Replay.class).inNamespace(ns).resource(Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: resend}
        spec: {routeRef: {name: hooks}, rateLimit: 0}
        """, Replay.class)).create();
  }

  /** What the README asks of a namespace that opts in: get on its secrets for the operator's ServiceAccount. */
  private static void grantSecretReads(KubernetesClient admin, String ns) {
    admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder()
        .withNewMetadata().withName("rewind-operator-signing-secrets").endMetadata()
        .addNewRule().withApiGroups("").withResources("secrets").withVerbs("get").endRule()
        .build()).create();
    admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder()
        .withNewMetadata().withName("rewind-operator-signing-secrets").endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
        .withName("rewind-operator-signing-secrets").endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(OperatorRbac.SERVICE_ACCOUNT).withNamespace(ns)
        .endSubject()
        .build()).create();
  }

  private static boolean mayGetSecrets(KubernetesClient client, String ns) {
    return client.resource(new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
        .withNamespace(ns).withResource("secrets").withVerb("get").endResourceAttributes().endSpec().build())
        .create().getStatus().getAllowed();
  }

  private static void awaitPublished(TestStore journal, String ns) {
    await().atMost(WAIT).until(() -> journal.count(
        "SELECT count(*) FROM rewind.routes WHERE namespace = $1 AND name = 'hooks'", ns) == 1);
  }

  private static Replay awaitEnd(KubernetesClient admin, String ns) {
    await().atMost(WAIT).until(() -> {
      Replay r = admin.resources(Replay.class).inNamespace(ns).withName("resend").get();
      return r != null && r.getStatus() != null && r.getStatus().getPhase() != null
          && r.getStatus().getPhase().isTerminal();
    });
    return admin.resources(Replay.class).inNamespace(ns).withName("resend").get();
  }

  private static String hmac(byte[] key, String payload) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return Base64.getEncoder().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
  }
}
