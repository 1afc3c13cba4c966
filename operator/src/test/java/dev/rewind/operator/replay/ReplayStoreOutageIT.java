package dev.rewind.operator.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.common.Condition;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.journal.store.Store;
import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.TestStore;
import dev.rewind.operator.testing.Crds;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A journal store that cannot be used while a Replay waits to start: the Replay stays Pending, its message saying
 * what failed and when it is tried again, each wait twice the last; once the store appears the Replay goes on
 * with no restart and no change to it — here to Failed, its route never having been published.
 */
@KubeApiTest
class ReplayStoreOutageIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void aFailingStartBacksOffExponentiallyAndTheReplayGoesOnOnceTheStoreIsBack(KubernetesClient admin,
      @TestNamespace String ns) {
    Crds.installed(admin);
    // The database does not exist yet: every connection is refused by the real server.
    String database = "late_replay_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8)
        .toLowerCase(Locale.ROOT);
    Vertx vertx = Vertx.vertx();
    List<String> messages = new ArrayList<>();
    try (Store late = new Store(vertx, TestStore.config(database));
        RunningReplayOperator operator = RunningReplayOperator.start(admin,
            RunningReplayOperator.watching(Set.of(ns), Duration.ofSeconds(1), Set.of()), late)) {
      admin.resources(Replay.class).inNamespace(ns).resource(Serialization.unmarshal("""
          apiVersion: rewind.dev/v1alpha1
          kind: Replay
          metadata: {name: patient}
          spec: {routeRef: {name: orders}}
          """, Replay.class)).create();

      // The third failure waits 4 s: the waits grow instead of repeating the first interval for ever.
      await().atMost(WAIT).until(() -> {
        Replay replay = replay(admin, ns);
        String message = replay == null || replay.getStatus() == null ? null : replay.getStatus().getMessage();
        if (message != null && (messages.isEmpty() || !messages.get(messages.size() - 1).equals(message))) {
          messages.add(message);
        }
        return message != null && message.endsWith("; retrying in 4s");
      });
      Replay waiting = replay(admin, ns);
      assertThat(waiting.getStatus().getPhase()).isEqualTo(ReplayPhase.Pending);
      assertThat(waiting.getStatus().getMessage()).startsWith("journal store: cannot start replay " + ns
          + "/patient: ").contains(database);
      assertThat(waiting.getStatus().getConditions()).noneMatch(Condition::isTrue);
      assertThat(messages).filteredOn(m -> m.contains("; retrying in ")).extracting(m -> m.replaceAll(".*; ", ""))
          .containsSubsequence("retrying in 1s", "retrying in 2s", "retrying in 4s")
          .doesNotHaveDuplicates();

      EmbeddedPostgres.execute("CREATE DATABASE " + database);

      await().atMost(WAIT).until(() -> replay(admin, ns).getStatus().getPhase() == ReplayPhase.Failed);
      Replay failed = replay(admin, ns);
      assertThat(failed.getStatus().getMessage())
          .isEqualTo("spec.routeRef.name: Route \"orders\" not found in namespace " + ns);
      assertThat(failed.getStatus().getConditions()).filteredOn(c -> c.getType().equals(ReplayStatus.FAILED))
          .singleElement().extracting(Condition::getReason).isEqualTo("RouteNotFound");
    } finally {
      vertx.closeAndAwait();
    }
  }

  private static Replay replay(KubernetesClient admin, String ns) {
    return admin.resources(Replay.class).inNamespace(ns).withName("patient").get();
  }
}
