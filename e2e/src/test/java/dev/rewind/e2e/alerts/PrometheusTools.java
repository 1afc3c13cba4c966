package dev.rewind.e2e.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.rewind.e2e.install.Chart;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.ToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * promtool, prometheus and alertmanager as {@code tools/prometheus/build.sh} builds them (Maven runs it before the
 * integration tests), and the chart's alert rules as Prometheus loads them.
 */
final class PrometheusTools {

  /** Where the tests write rules files, test files and logs, to be read after a failure. */
  static final Path OUTPUT = Path.of("target", "alerts").toAbsolutePath();

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE))
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private static Path binDir;

  private PrometheusTools() {}

  /**
   * The bin dir: the system property {@code rewind.prometheus.bin} or the environment variable
   * {@code REWIND_PROMETHEUS_BIN} if set, else what {@code build.sh --print-bin-dir} answers (it builds nothing) for
   * the tools cache of the system property {@code rewind.tools.cache} (Maven sets it), else of the environment.
   */
  static synchronized Path binary(String name) {
    if (binDir == null) {
      String configured = System.getProperty("rewind.prometheus.bin", System.getenv("REWIND_PROMETHEUS_BIN"));
      String cache = System.getProperty("rewind.tools.cache");
      binDir = configured != null ? Path.of(configured)
          : Path.of(run(List.of("bash", Chart.REPO.resolve("tools/prometheus/build.sh").toString(),
              "--print-bin-dir"), Chart.REPO, cache == null ? Map.of() : Map.of("REWIND_TOOLS_CACHE", cache), 30)
              .assertSuccess().stdout().strip());
    }
    Path binary = binDir.resolve(name);
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(binary + " is missing: run tools/prometheus/build.sh (./mvnw verify runs it"
          + " before the integration tests), or set REWIND_PROMETHEUS_BIN to a directory with promtool, prometheus"
          + " and alertmanager.");
    }
    return binary;
  }

  /** Runs a command to its end (at most {@code timeoutSeconds}), in {@code dir}, with more environment. */
  static ToolResult run(List<String> command, Path dir, Map<String, String> env, long timeoutSeconds) {
    try {
      Path out = Files.createTempFile("rewind-tool", ".out");
      Path err = Files.createTempFile("rewind-tool", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(command + " did not end within " + timeoutSeconds + " s");
        }
        return new ToolResult(process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static ToolResult promtool(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of(binary("promtool").toString()));
    command.addAll(List.of(args));
    return run(command, dir, Map.of(), 120);
  }

  /**
   * Renders the chart (release {@code rewind} in {@code rewind-system}, alert rules on, plus {@code values}) and
   * writes the PrometheusRule's {@code spec.groups} as a Prometheus rules file {@code dir/rules.yaml}: what the
   * Prometheus Operator hands to Prometheus.
   */
  static Path renderRules(KubeTestBed kube, Path dir, String... values) {
    List<String> args = new ArrayList<>(List.of("--set", "monitoring.prometheusRule.enabled=true"));
    args.addAll(List.of(values));
    String manifests = Chart.render(kube, "rewind", "rewind-system", args.toArray(String[]::new));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("chart.yaml"), manifests);
      List<Map<String, Object>> rules = new ArrayList<>();
      for (Object doc : YAML.readerFor(Map.class).readValues(manifests).readAll()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) doc;
        if (object != null && "PrometheusRule".equals(object.get("kind"))) {
          rules.add(object);
        }
      }
      if (rules.size() != 1) {
        throw new IllegalStateException("expected one PrometheusRule in the rendered chart, found " + rules.size());
      }
      @SuppressWarnings("unchecked")
      Object groups = ((Map<String, Object>) rules.get(0).get("spec")).get("groups");
      return Files.writeString(dir.resolve("rules.yaml"), YAML.writeValueAsString(Map.of("groups", groups)),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rules file's alerting rules, by alert name. */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> alerts(Path rulesFile) {
    try {
      Map<String, Object> file = YAML.readValue(rulesFile.toFile(), Map.class);
      Map<String, Map<String, Object>> alerts = new java.util.LinkedHashMap<>();
      for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
        for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
          alerts.put((String) rule.get("alert"), rule);
        }
      }
      return alerts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An empty directory {@code target/alerts/NAME}: what an earlier run left there (a Prometheus TSDB with samples
   * still within the lookback window) must not answer this run's queries.
   */
  static Path freshDir(String name) {
    Path dir = OUTPUT.resolve(name);
    try {
      if (Files.exists(dir)) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
          for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectMapper yaml() {
    return YAML;
  }
}
