package dev.rewind.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CRDs exactly as they ship: the generated YAML packaged in the api jar ({@code META-INF/rewind/crds/}),
 * installed once per test JVM.
 */
public final class Crds {

  static final String LOCATION = "META-INF/rewind/crds";

  private static List<String> installed;

  private Crds() {}

  /**
   * Installs (server-side apply) every packaged CRD and waits until each is Established; returns their names.
   */
  public static synchronized List<String> installed(KubernetesClient admin) {
    if (installed == null) {
      List<String> names = new ArrayList<>();
      for (CustomResourceDefinition crd : load(admin)) {
        apply(admin, crd);
        names.add(crd.getMetadata().getName());
      }
      names.forEach(name -> await().atMost(Duration.ofSeconds(30)).until(() -> established(admin, name)));
      installed = List.copyOf(names);
    }
    return installed;
  }

  /** The packaged CRDs, parsed. */
  public static List<CustomResourceDefinition> load(KubernetesClient admin) {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    for (Path file : packaged()) {
      try (InputStream yaml = Files.newInputStream(file)) {
        crds.add(admin.apiextensions().v1().customResourceDefinitions().load(yaml).item());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return crds;
  }

  public static void apply(KubernetesClient admin, CustomResourceDefinition crd) {
    admin.apiextensions().v1().customResourceDefinitions().resource(crd).forceConflicts().serverSideApply();
  }

  public static boolean established(KubernetesClient admin, String name) {
    CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions().withName(name).get();
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The CRD files on the class path, from the api jar (or its classes directory inside an IDE). */
  static List<Path> packaged() {
    URL url = Crds.class.getClassLoader().getResource(LOCATION);
    if (url == null) {
      throw new IllegalStateException(LOCATION + " is not on the class path: is rewind-api a dependency?");
    }
    try {
      URI uri = url.toURI();
      Path dir;
      if ("jar".equals(uri.getScheme())) {
        FileSystem jar = jarFileSystem(uri);
        dir = jar.getPath(LOCATION);
      } else {
        dir = Path.of(uri);
      }
      try (Stream<Path> files = Files.list(dir)) {
        return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      }
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot list " + url, e);
    }
  }

  private static FileSystem jarFileSystem(URI uri) throws IOException {
    try {
      return FileSystems.getFileSystem(uri);
    } catch (java.nio.file.FileSystemNotFoundException e) {
      return FileSystems.newFileSystem(uri, Map.of());
    }
  }
}
