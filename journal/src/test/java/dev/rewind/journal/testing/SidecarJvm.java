package dev.rewind.journal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged sidecar as its own process, started with exactly the environment a test gives — nothing inherited
 * from the test's own, as a container's {@code env} is all a sidecar in a pod gets — and its standard output and
 * standard error kept apart, in files of the test's directory.
 */
public final class SidecarJvm implements AutoCloseable {

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private SidecarJvm(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts the sidecar and returns without waiting for it.
   *
   * @param environment the process' whole environment
   * @param jvmOptions options before {@code -jar} ({@code -Dkey=value}, {@code -Xmx...})
   * @param dir where stdout.log and stderr.log are written; also the working directory
   */
  public static SidecarJvm launch(Map<String, String> environment, List<String> jvmOptions, Path dir) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(SidecarProcess.jar().toAbsolutePath().toString());
    Path stdout = dir.resolve("stdout.log");
    Path stderr = dir.resolve("stderr.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    try {
      return new SidecarJvm(builder.start(), stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code /q/health/ready} on the management port answers 200; fails at once if the process ends. */
  public SidecarJvm awaitReady(int managementPort, Duration timeout) {
    URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
    Processes.awaitReady(process, () -> status(ready) == 200, timeout, "the sidecar",
        () -> "stdout:\n" + stdout() + "\nstderr:\n" + stderr());
    return this;
  }

  /** SIGTERM, as the kubelet stops a container: shutdown hooks run. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to end by itself and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the sidecar did not exit within " + timeout + "; stdout:\n" + stdout());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int status(URI url) {
    try {
      HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(3000);
      int code = c.getResponseCode();
      c.disconnect();
      return code;
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
