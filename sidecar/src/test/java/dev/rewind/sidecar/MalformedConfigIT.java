package dev.rewind.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.journal.testing.EmbeddedPostgres;
import dev.rewind.journal.testing.SidecarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sidecar never starts half-configured: one bad file stops it, and the error says where and what. */
class MalformedConfigIT {

  @Test
  void anInvalidRouteFileStopsTheSidecarNamingFileFieldAndProblem(@TempDir Path dir) throws Exception {
    Path routes = Files.createDirectories(dir.resolve("routes"));
    Files.writeString(routes.resolve("good.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: good}
        spec:
          destination: {url: "http://127.0.0.1:9/ok"}
        """);
    Files.writeString(routes.resolve("orders.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: RetryPolicy
        metadata: {name: hasty}
        spec:
          backoff: {policy: exponential, multiplier: 1}
        """);
    SidecarProcess sidecar = new SidecarProcess(Map.of(
        "rewind.config-dir", routes.toString(),
        "rewind.store.url", "postgresql://postgres@127.0.0.1:" + EmbeddedPostgres.port() + "/"
            + EmbeddedPostgres.newDatabase()), dir.resolve("sidecar.log"));

    int exit = sidecar.launch().waitForExit();

    assertThat(exit).isNotZero();
    assertThat(sidecar.output())
        .contains("orders.yaml (document 1, RetryPolicy \"hasty\"): spec.backoff.multiplier")
        .contains("backoff.multiplier must be greater than 1 for exponential backoff");
  }

  @Test
  void aRouteReferringToAMissingPolicyStopsTheSidecar(@TempDir Path dir) throws Exception {
    Path routes = Files.createDirectories(dir.resolve("routes"));
    Files.writeString(routes.resolve("route.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: orphan}
        spec:
          destination: {url: "http://127.0.0.1:9/ok"}
          retryPolicyRef: {name: missing}
        """);
    SidecarProcess sidecar = new SidecarProcess(Map.of(
        "rewind.config-dir", routes.toString(),
        "rewind.store.url", "postgresql://postgres@127.0.0.1:" + EmbeddedPostgres.port() + "/"
            + EmbeddedPostgres.newDatabase()), dir.resolve("sidecar.log"));

    assertThat(sidecar.launch().waitForExit()).isNotZero();
    assertThat(sidecar.output()).contains("route.yaml")
        .contains("spec.retryPolicyRef.name: RetryPolicyNotFound: RetryPolicy \"missing\" not found");
  }
}
