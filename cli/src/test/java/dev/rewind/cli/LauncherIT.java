package dev.rewind.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged application through bin/rewind, as an operator runs it. */
class LauncherIT {

  private static final Path LAUNCHER = Path.of(System.getProperty("rewind.launcher", "../bin/rewind"));

  private static LauncherRun run(Path workDir, String... args) throws IOException, InterruptedException {
    return run(workDir, Map.of(), args);
  }

  private static LauncherRun run(Path workDir, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    return LauncherRun.of(LAUNCHER, workDir, environment, args);
  }

  @Test
  void helpListsTheCommandsAndExitCodes(@TempDir Path dir) throws Exception {
    LauncherRun run = run(dir, "--help");

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

    LauncherRun run = run(dir, "replay", "-f", "replay.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("replay.yaml (document 1, Replay \"broken\"): spec.maxEvents:");
  }

  @Test
  void theSidecarsDeliveryEnvironmentVariablesApply(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("rewind.d"));
    Files.writeString(dir.resolve("rewind.d").resolve("routes.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Route
        metadata: {name: orders}
        spec:
          destination: {url: "http://127.0.0.1:18080/orders"}
        """);
    Files.writeString(dir.resolve("replay.yaml"), """
        apiVersion: rewind.dev/v1alpha1
        kind: Replay
        metadata: {name: local}
        spec:
          routeRef: {name: orders}
          override: {destination: {url: "http://10.1.2.3/orders"}}
        """);

    // Refused when the file is read, before any store is opened: nothing is sent, nothing is recorded.
    LauncherRun run = run(dir, Map.of("REWIND_DELIVERY_ALLOW_LOOPBACK", "false", "REWIND_DELIVERY_BLOCKED_CIDRS",
        "10.0.0.0/8"), "replay", "-f", "replay.yaml");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("(Route \"orders\"): spec.destination.url: DestinationBlocked:")
        .contains("is loopback")
        .contains("replay.yaml (Replay \"local\"): spec.override.destination.url: destination http://10.1.2.3/orders"
            + " is refused by the address policy (address 10.1.2.3 is in blocked range 10.0.0.0/8)");
    assertThat(dir.resolve(".rewind")).doesNotExist();
  }
}
