package dev.rewind.e2e.testing;

import static org.awaitility.Awaitility.await;

import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.retrypolicy.RetryPolicy;
import dev.rewind.api.v1alpha1.route.Route;
import dev.rewind.journal.testing.TestStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Routes, RetryPolicies and Replays of one namespace as a user creates them, and waits on what the operator does
 * with them: a Route published to the store, a Replay reaching a phase.
 */
public final class ReplayObjects {

  private final KubernetesClient admin;
  private final String namespace;

  public ReplayObjects(KubernetesClient admin, String namespace) {
    this.admin = admin;
    this.namespace = namespace;
  }

  public String namespace() {
    return namespace;
  }

  /** Creates a Route to {@code url} and waits until the operator published it to the store. */
  public void publishRoute(TestStore store, String name, String url, Duration timeout) {
    admin.resources(Route.class).inNamespace(namespace).resource(Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: %s}
        spec:
          destination: {url: "%s"}
        """.formatted(name, url), Route.class)).create();
    await().atMost(timeout).until(() -> store.count(
        "SELECT count(*) FROM rewind.routes WHERE namespace = $1 AND name = $2", namespace, name) == 1);
  }

  /** Creates a RetryPolicy with {@code spec} (YAML flow style). */
  public void createPolicy(String name, String spec) {
    admin.resources(RetryPolicy.class).inNamespace(namespace).resource(Serialization.unmarshal("""
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: %s}
        spec: %s
        """.formatted(name, spec), RetryPolicy.class)).create();
  }

  /** Creates a Replay from its YAML (the namespace is this one). */
  public Replay createReplay(String yaml) {
    return admin.resources(Replay.class).inNamespace(namespace).resource(Serialization.unmarshal(yaml, Replay.class))
        .create();
  }

  /** Writes a Replay's YAML to {@code file}, for kubectl apply -f. */
  public static Path write(Path file, String yaml) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Replay as the API server has it now, or null. */
  public Replay replay(String name) {
    return admin.resources(Replay.class).inNamespace(namespace).withName(name).get();
  }

  public ReplayPhase phase(String name) {
    Replay replay = replay(name);
    return replay == null || replay.getStatus() == null ? null : replay.getStatus().getPhase();
  }

  /** Waits until the Replay's status says {@code phase}, and returns it. */
  public Replay awaitPhase(String name, ReplayPhase phase, Duration timeout) {
    await().atMost(timeout).until(() -> phase(name) == phase);
    return replay(name);
  }
}
