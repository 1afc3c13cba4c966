package dev.rewind.cli.kubectl;

import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.api.v1alpha1.replay.ReplayPhase;
import dev.rewind.api.v1alpha1.replay.ReplayStatus;
import dev.rewind.cli.Output;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl rewind replay}: writes a Replay from flags, with the user's credentials, and follows it to its end
 * with a progress bar. The operator does the replaying; this only asks and watches.
 */
@Command(name = "replay", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Create a Replay from flags and follow its progress until it ends.",
        "Exits 0 when it Succeeded (or a dry run Previewed), 1 otherwise. Ctrl-C stops following, not the replay."},
    footer = {"", "Examples:",
        "  kubectl rewind replay --route orders --state dead --since 2h --dry-run",
        "  kubectl rewind replay --route orders --route refunds --last-outcome 5xx --rate-limit 20",
        "  kubectl rewind replay --flow checkout --flow-state broken --hop 1",
        "  kubectl rewind replay --route orders -o yaml > replay.yaml"})
final class KubeReplayCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ReplayFlags flags;

  @Option(names = {"-o", "--output"}, paramLabel = "yaml",
      description = "Print the Replay (yaml) instead of creating it.")
  String output;

  @Option(names = "--wait", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Follow the Replay until it ends (the default). --no-wait returns once it is created.")
  boolean waitForEnd;

  @Mixin
  KubeOptions kube;

  /** Replaced by tests: names the Replay when --name is not given. */
  Clock clock = Clock.systemUTC();
  /** Replaced by tests: whether standard output is a terminal (the bar is redrawn in place). */
  Boolean terminal;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (output != null && !output.equals("yaml")) {
      throw new KubeFailures.Invalid("-o: only yaml, got \"" + output + "\"");
    }
    String namespace = kube.namespace();
    Replay replay = flags.toReplay(namespace, clock);
    if (output != null) {
      out.print(Serialization.asYaml(replay));
      out.flush();
      return KubeExitCodes.OK;
    }
    String name = replay.getMetadata().getName();
    try (KubernetesClient client = kube.client()) {
      client.resource(replay).create();
      out.println("replay.rewind.dev/" + name + " created" + (flags.dryRun ? " (dry run)" : ""));
      out.flush();
      if (!waitForEnd) {
        out.println("Follow it: kubectl get replay " + name + " -n " + namespace + " -w");
        out.flush();
        return KubeExitCodes.OK;
      }
      return follow(client, namespace, name, out);
    }
  }

  private int follow(KubernetesClient client, String namespace, String name, PrintWriter out)
      throws InterruptedException {
    ReplayProgress progress = new ReplayProgress(out, terminal == null ? Terminal.isTerminal() : terminal);
    Thread interrupted = new Thread(() -> {
      progress.finish();
      out.println();
      out.println("Stopped following; Replay " + Output.replay(namespace, name) + " keeps running in the cluster."
          + " Follow it again with: kubectl get replay " + name + " -n " + namespace + " -w");
      out.flush();
    }, "kubectl-rewind-interrupted");
    Runtime.getRuntime().addShutdownHook(interrupted);
    Optional<Replay> done;
    try {
      done = new ReplayFollower(client).follow(namespace, name, progress, null);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(interrupted);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: the JVM is going down and the hook says so itself.
      }
    }
    progress.finish();
    if (done.isEmpty()) {
      out.println("Replay " + Output.replay(namespace, name) + " was deleted before it ended.");
      out.flush();
      return KubeExitCodes.FAILED;
    }
    ReplayStatus status = done.get().getStatus();
    Output.summary(out, namespace, name, status.getPhase(), value(status.getMatched()), value(status.getDelivered()),
        value(status.getFailed()), value(status.getRemaining()), status.getMessage(), status.getSample());
    out.flush();
    return status.getPhase() == ReplayPhase.Succeeded || status.getPhase() == ReplayPhase.Previewed
        ? KubeExitCodes.OK : KubeExitCodes.FAILED;
  }

  private static long value(Long n) {
    return n == null ? 0 : n;
  }
}
