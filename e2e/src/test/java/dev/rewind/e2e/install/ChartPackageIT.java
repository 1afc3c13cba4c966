package dev.rewind.e2e.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The chart's CRDs are the repository's: {@code charts/rewind/crds/} is a committed copy of {@code crds/} (Helm does
 * not follow symlinks when packaging, and a chart must install from a plain checkout), kept identical by this test.
 * Refresh it with {@code cp crds/*.yaml charts/rewind/crds/}.
 */
@KubeApiTest
class ChartPackageIT {

  private static final Path REPO_CRDS = Chart.REPO.resolve("crds");
  private static final Path CHART_CRDS = Chart.DIR.resolve("crds");

  @Test
  void chartCrdsAreByteForByteTheRepositoryCrds() throws IOException {
    Map<String, String> repository = files(REPO_CRDS);
    Map<String, String> chart = files(CHART_CRDS);

    assertThat(repository).isNotEmpty();
    assertThat(chart.keySet()).as("CRD files in charts/rewind/crds; refresh with: cp crds/*.yaml charts/rewind/crds/")
        .isEqualTo(repository.keySet());
    repository.forEach((file, content) -> assertThat(chart.get(file))
        .as("charts/rewind/crds/%s differs from crds/%s; refresh with: cp crds/*.yaml charts/rewind/crds/", file, file)
        .isEqualTo(content));
  }

  @Test
  void packagedChartCarriesTheCrdsTheSchemaAndTheTemplatesButNotTheCiValues(KubeTestBed kube) throws IOException {
    Path destination = Files.createDirectories(Chart.OUTPUT.resolve("package"));

    kube.run("helm", kube.kubeconfig(), "package", Chart.DIR.toString(), "--destination", destination.toString())
        .assertSuccess();

    Map<String, String> entries = tarGz(destination.resolve("rewind-0.1.0.tgz"));
    files(REPO_CRDS).forEach((file, content) ->
        assertThat(entries.get("rewind/crds/" + file)).as("packaged crds/%s", file).isEqualTo(content));
    assertThat(entries).containsKeys("rewind/Chart.yaml", "rewind/values.yaml", "rewind/values.schema.json",
        "rewind/README.md", "rewind/templates/NOTES.txt", "rewind/templates/operator-deployment.yaml");
    assertThat(entries.keySet()).noneMatch(name -> name.startsWith("rewind/ci/"));
    assertThat(entries.keySet()).noneMatch(name -> name.startsWith("rewind/tests/"));
  }

  private static Map<String, String> files(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      Map<String, String> files = new TreeMap<>();
      for (Path file : list.filter(Files::isRegularFile).collect(Collectors.toList())) {
        files.put(file.getFileName().toString(), Files.readString(file));
      }
      return files;
    }
  }

  /** Entries of a .tgz by name; a minimal ustar reader, enough for what helm package writes. */
  private static Map<String, String> tarGz(Path file) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      byte[] header = new byte[512];
      String longName = null;
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        long size = Long.parseLong(field(header, 124, 12).trim(), 8);
        byte type = header[156];
        byte[] content = in.readNBytes((int) size);
        in.skipNBytes((512 - size % 512) % 512);
        if (type == 'L') {
          longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
          continue;
        }
        String fullName = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
        longName = null;
        if (type == '0' || type == 0) {
          entries.put(fullName, new String(content, StandardCharsets.UTF_8));
        }
      }
    }
    return entries;
  }

  private static String field(byte[] header, int offset, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = offset; i < offset + length && header[i] != 0; i++) {
      out.write(header[i]);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
