package dev.rewind.journal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged sidecar (target/quarkus-app) as a separate operating-system process, so a test can kill it for real
 * (SIGKILL: no shutdown hook, no flush) and start it again with the same identity.
 */
public final class SidecarProcess implements AutoCloseable {

  public final int capturePort;
  public final int proxyPort;
  public final int adminPort;
  public final int managementPort;
  private final Map<String, String> properties;
  private final Path log;
  private Process process;

  public SidecarProcess(Map<String, String> properties, Path log) {
    this.capturePort = Processes.freePort();
    this.proxyPort = Processes.freePort();
    this.adminPort = Processes.freePort();
    this.managementPort = Processes.freePort();
    this.properties = new LinkedHashMap<>(properties);
    this.properties.put("rewind.capture.port", Integer.toString(capturePort));
    this.properties.put("rewind.proxy.port", Integer.toString(proxyPort));
    this.properties.put("quarkus.http.port", Integer.toString(adminPort));
    this.properties.put("quarkus.management.port", Integer.toString(managementPort));
    this.log = log;
  }

  /**
   * A capture of a JSON event for {@code route} on this sidecar, keyed by an Idempotency-Key as a sender resending
   * it would key it; answered at once (202 when journaled), so a 5 s timeout means the sidecar is not answering.
   */
  public HttpRequest captureRequest(String route, String key, String json) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + capturePort + "/v1/routes/" + route))
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(5))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
  }

  /**
   * The packaged sidecar: system property {@code sidecar.jar.path}, else {@code sidecar/target/quarkus-app} found
   * from the module directory a test runs in.
   */
  public static Path jar() {
    return packagedApp("sidecar.jar.path", "sidecar");
  }

  /** A packaged Quarkus app of this repository, for tests that run it as its own process. */
  public static Path packagedApp(String property, String module) {
    String configured = System.getProperty(property);
    if (configured != null) {
      return existing(Path.of(configured), module);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
      if (Files.exists(dir.resolve("mvnw"))) {
        return existing(candidate, module);
      }
    }
    throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
  }

  private static Path existing(Path jar, String module) {
    if (!Files.exists(jar)) {
      throw new IllegalStateException("packaged " + module + " not found at " + jar + "; run ./mvnw -pl " + module
          + " -am package -DskipTests");
    }
    return jar;
  }

  /** Starts the process and returns without waiting for it to be ready. */
  public SidecarProcess launch() {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(jar().toAbsolutePath().toString());
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Starts and waits until readiness reports UP. */
  public SidecarProcess start(Duration timeout) {
    launch();
    Processes.awaitReady(process, this::ready, timeout, "the sidecar", this::output);
    return this;
  }

  public boolean ready() {
    return status("http://127.0.0.1:" + managementPort + "/q/health/ready") == 200;
  }

  public int readinessStatus() {
    return status("http://127.0.0.1:" + managementPort + "/q/health/ready");
  }

  private static int status(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(3000);
      int code = c.getResponseCode();
      c.disconnect();
      return code;
    } catch (IOException e) {
      return -1;
    }
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** Waits for the process to end by itself; returns its exit code. */
  public int waitForExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("sidecar did not exit");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    Processes.stop(process);
  }

}
