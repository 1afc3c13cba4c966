package dev.rewind.e2e.testing;

import dev.rewind.journal.testing.Processes;
import dev.rewind.journal.testing.SidecarProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator (operator/target/quarkus-app) as its own process, talking to the test bed's API server
 * through a kubeconfig file, so a test can SIGKILL it and start it again.
 */
public final class OperatorProcess implements AutoCloseable {

  private final Map<String, String> properties;
  private final Path kubeconfig;
  private final Path log;
  private Process process;

  /**
   * @param properties system properties of the operator. Unless they say otherwise, its query API is off: it needs
   *     the operator's own namespace (a pod's POD_NAMESPACE) and an APIService routed to it, which a process on
   *     this host has neither of; QueryApiIT and the real-node tests prove it.
   */
  public OperatorProcess(Map<String, String> properties, Path kubeconfig, Path log) {
    Map<String, String> withDefaults = new LinkedHashMap<>(properties);
    withDefaults.putIfAbsent("rewind.query.enabled", "false");
    this.properties = withDefaults;
    this.kubeconfig = kubeconfig;
    this.log = log;
  }

  public OperatorProcess start() {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    // The test bed's client certificates use EC keys; a kubeconfig does not say so and Fabric8 assumes RSA.
    command.add("-Dkubernetes.client.key.algo=EC");
    command.add("-Dquarkus.kubernetes-client.client-key-algo=EC");
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(SidecarProcess.packagedApp("operator.jar.path", "operator").toAbsolutePath().toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, the lease is not released, in-flight work is cut off. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
