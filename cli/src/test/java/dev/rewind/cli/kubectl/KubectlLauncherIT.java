package dev.rewind.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged application through bin/kubectl-rewind, as kubectl runs a plugin found on PATH. */
@KubeApiTest
class KubectlLauncherIT {

  private static final Path LAUNCHER =
      Path.of(System.getProperty("rewind.kubectl.launcher", "../bin/kubectl-rewind")).toAbsolutePath();

  private record Run(int exitCode, String out, String err) {}

  private static Run run(Path launcher, Path workDir, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    Path out = workDir.resolve("out.txt");
    Path err = workDir.resolve("err.txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("kubectl-rewind did not finish within 60 s");
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsThePluginsCommandsAndExitCodes(@TempDir Path dir) throws Exception {
    Run run = run(LAUNCHER, dir, Map.of(), "--help");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Usage: kubectl rewind")
        .contains("replay", "events", "trace", "status", "flow", "Exit codes:");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aSymlinkOnPathFindsTheApplicationAndKubeconfigIsHonoured(KubeTestBed kube, @TestNamespace String ns,
      @TempDir Path dir) throws Exception {
    TestCrds.installed(kube.adminClient());
    Path onPath = Files.createSymbolicLink(dir.resolve("kubectl-rewind"), LAUNCHER);

    Run yaml = run(onPath, dir, Map.of(), "replay", "--route", "orders", "--dry-run", "--name", "look", "-n", ns,
        "-o", "yaml");
    Run status = run(onPath, dir, Map.of("KUBECONFIG", kube.kubeconfig().toString()), "status", "-n", ns);

    assertThat(yaml.exitCode()).as(yaml.err()).isZero();
    assertThat(yaml.out()).contains("kind: \"Replay\"", "name: \"look\"", "dryRun: true");
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).isEqualTo("No Routes in namespace " + ns + "." + System.lineSeparator());
  }
}
