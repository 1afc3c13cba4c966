package dev.rewind.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps decisions apart from I/O: the patch builder and the certificate decisions reach no client, server, config
 * or metrics, so every case of them is a plain unit test.
 */
class WebhookLayeringTest {

  private static final Path MAIN = Path.of("src/main/java/dev/rewind/operator/webhook");
  private static final List<String> IO = List.of("import io.fabric8.kubernetes.client", "import io.vertx",
      "import io.smallrye", "import io.quarkus", "import io.micrometer", "import jakarta.");

  @Test
  void thePatchPackageIsPure() throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.list(MAIN.resolve("patch"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    assertThat(sources).hasSizeGreaterThan(5);
    for (Path source : sources) {
      assertThat(imports(source)).as(source.getFileName().toString()).noneMatch(line ->
          IO.stream().anyMatch(line::startsWith) || line.startsWith("import org.jboss.logging")
              || line.startsWith("import dev.rewind.operator.") && !line.startsWith("import dev.rewind.operator"
              + ".webhook.patch."));
    }
  }

  @Test
  void certificateDecisionsAndIssuingDoNoKubernetesIo() throws IOException {
    for (String pure : List.of("CertificateIssuer", "RenewalPolicy", "ServingCertificate", "Pem", "TlsSecret")) {
      assertThat(imports(MAIN.resolve("tls").resolve(pure + ".java"))).as(pure)
          .noneMatch(line -> IO.stream().anyMatch(line::startsWith));
    }
    assertThat(imports(MAIN.resolve("registration/DesiredWebhookConfiguration.java")))
        .noneMatch(line -> IO.stream().anyMatch(line::startsWith));
  }

  private static List<String> imports(Path source) throws IOException {
    return Files.readAllLines(source).stream().filter(l -> l.startsWith("import ")).toList();
  }
}
