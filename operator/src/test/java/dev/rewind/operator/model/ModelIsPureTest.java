package dev.rewind.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps desired-state logic apart from I/O: nothing in {@code model} may reach a client, the store, JOSDK or the
 * reconcilers, so everything there stays testable with plain objects.
 */
class ModelIsPureTest {

  private static final List<String> FORBIDDEN = List.of(
      "import io.fabric8.kubernetes.client", "import io.javaoperatorsdk", "import io.vertx", "import io.smallrye",
      "import dev.rewind.operator.reconciler", "import dev.rewind.operator.store",
      "import dev.rewind.operator.runtime", "import dev.rewind.journal.store");

  @Test
  void modelImportsNoClientStoreOrFramework() throws IOException {
    Path model = Path.of("src/main/java/dev/rewind/operator/model");
    try (Stream<Path> files = Files.list(model)) {
      List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
      assertThat(sources).isNotEmpty();
      for (Path source : sources) {
        List<String> imports = Files.readAllLines(source).stream().filter(l -> l.startsWith("import ")).toList();
        assertThat(imports).as(source.getFileName().toString())
            .noneMatch(line -> FORBIDDEN.stream().anyMatch(line::startsWith));
      }
    }
  }
}
