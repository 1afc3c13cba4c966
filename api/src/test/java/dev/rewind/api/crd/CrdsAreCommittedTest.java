package dev.rewind.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs under {@code crds/} are generated from the model and committed, so reviewers see schema changes and the
 * chart and standalone validation read the same files. This test fails the build when they are stale. Refresh them
 * with {@code ./mvnw -pl api test -Dcrds.update=true}.
 */
class CrdsAreCommittedTest {

  private static final Path COMMITTED = Path.of("..", "crds");

  @Test
  void committedCrdsMatchTheModel() throws IOException {
    Map<String, String> rendered = CrdRendering.render();
    if (Boolean.getBoolean("crds.update")) {
      Files.createDirectories(COMMITTED);
      for (Map.Entry<String, String> file : rendered.entrySet()) {
        Files.writeString(COMMITTED.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
    }
    Set<String> committedNames;
    try (Stream<Path> files = Files.list(COMMITTED)) {
      committedNames = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(committedNames)
        .as("CRD files under crds/ (refresh with ./mvnw -pl api test -Dcrds.update=true)")
        .isEqualTo(rendered.keySet());
    for (Map.Entry<String, String> file : rendered.entrySet()) {
      assertThat(Files.readString(COMMITTED.resolve(file.getKey()), StandardCharsets.UTF_8))
          .as("crds/%s is stale: refresh with ./mvnw -pl api test -Dcrds.update=true", file.getKey())
          .isEqualTo(file.getValue());
    }
  }
}
