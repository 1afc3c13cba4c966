package dev.rewind.cli.kubectl;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** The CRDs of crds/, as a user's kubectl apply -f crds/ installs them, once per test JVM. */
final class TestCrds {

  private static boolean installed;

  private TestCrds() {}

  static synchronized void installed(KubernetesClient admin) {
    if (installed) {
      return;
    }
    List<String> names;
    try (Stream<Path> files = Files.list(Path.of("..", "crds"))) {
      names = files.filter(f -> f.toString().endsWith(".yaml")).sorted().map(f -> apply(admin, f)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    names.forEach(name -> await().atMost(Duration.ofSeconds(30)).until(() -> established(admin, name)));
    installed = true;
  }

  private static String apply(KubernetesClient admin, Path file) {
    try (InputStream yaml = Files.newInputStream(file)) {
      CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().load(yaml).item();
      admin.apiextensions().v1().customResourceDefinitions().resource(crd).forceConflicts().serverSideApply();
      return crd.getMetadata().getName();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean established(KubernetesClient admin, String name) {
    CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().withName(name).get();
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
