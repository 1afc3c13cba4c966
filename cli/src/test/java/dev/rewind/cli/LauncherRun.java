package dev.rewind.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a launcher script (bin/rewind, bin/kubectl-rewind) as a user runs it: its own process, in a work
 * directory, with extra environment; what it printed and its exit code.
 */
public record LauncherRun(int exitCode, String out, String err) {

  /** Runs {@code launcher ARGS} in {@code workDir}; fails when it has not finished within 60 s. */
  public static LauncherRun of(Path launcher, Path workDir, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(launcher.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = workDir.resolve("out.txt");
    Path err = workDir.resolve("err.txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(launcher.getFileName() + " did not finish within 60 s");
    }
    return new LauncherRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
