package dev.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged application through bin/rewind, as an operator runs it. */
class LauncherIT {

  private static final Path LAUNCHER = Path.of(System.getProperty("rewind.launcher", "../bin/rewind"));

  private record Run(int exitCode, String out, String err) {}

  private static Run run(Path workDir, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = workDir.resolve("out.txt");
    Path err = workDir.resolve("err.txt");
    Process process = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("bin/rewind did not finish within 60 s");
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsTheCommandsAndExitCodes(@TempDir Path dir) throws Exception {
    Run run = run(dir, "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("replay", "events", "trace", "Exit codes:");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aMalformedReplayFileExitsWithTwoNamingTheFileAndField(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("replay.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: broken}
        spec:
          routeRef: {name: orders}
          maxEvents: 0
        """);

    Run run = run(dir, "replay", "-f", "replay.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("replay.yaml (document 1, Replay \"broken\"): spec.maxEvents:");
  }
}
