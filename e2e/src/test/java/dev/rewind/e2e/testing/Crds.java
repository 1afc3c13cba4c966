package dev.rewind.e2e.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** Installs the committed CRDs (crds/ at the repository root) once per test JVM. */
public final class Crds {

  private static boolean installed;

  private Crds() {}

  public static synchronized void install(KubernetesClient admin) {
    if (installed) {
      return;
    }
    Path dir = Path.of("..", "crds");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
          // Force: a CRD that Helm created first is taken over rather than reported as a conflict.
          admin.resource(crd).forceConflicts().serverSideApply();
          await().atMost(Duration.ofSeconds(30)).until(() -> admin.apiextensions().v1()
              .customResourceDefinitions().withName(crd.getMetadata().getName()).get().getStatus().getConditions()
              .stream().anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    installed = true;
  }
}
