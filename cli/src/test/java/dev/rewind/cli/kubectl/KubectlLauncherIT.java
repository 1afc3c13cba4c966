package dev.rewind.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewind.cli.LauncherRun;
import dev.rewind.testbed.KubeApiTest;
import dev.rewind.testbed.KubeTestBed;
import dev.rewind.testbed.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged application through bin/kubectl-rewind, as kubectl runs a plugin found on PATH. */
@KubeApiTest
class KubectlLauncherIT {

  private static final Path LAUNCHER =
      Path.of(System.getProperty("rewind.kubectl.launcher", "../bin/kubectl-rewind")).toAbsolutePath();

  private static LauncherRun run(Path launcher, Path workDir, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    return LauncherRun.of(launcher, workDir, environment, args);
  }

  @Test
  void helpListsThePluginsCommandsAndExitCodes(@TempDir Path dir) throws Exception {
    LauncherRun run = run(LAUNCHER, dir, Map.of(), "--help");

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

    LauncherRun yaml = run(onPath, dir, Map.of(), "replay", "--route", "orders", "--dry-run", "--name", "look", "-n", ns,
        "-o", "yaml");
    LauncherRun status = run(onPath, dir, Map.of("KUBECONFIG", kube.kubeconfig().toString()), "status", "-n", ns);

    assertThat(yaml.exitCode()).as(yaml.err()).isZero();
    assertThat(yaml.out()).contains("kind: \"Replay\"", "name: \"look\"", "dryRun: true");
    assertThat(status.exitCode()).as(status.err()).isZero();
    assertThat(status.out()).isEqualTo("No Routes in namespace " + ns + "." + System.lineSeparator());
  }
}
