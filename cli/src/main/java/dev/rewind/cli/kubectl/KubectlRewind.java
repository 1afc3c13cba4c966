package dev.rewind.cli.kubectl;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kubectl rewind}: the kubectl plugin (an executable {@code kubectl-rewind} on PATH). The same commands as
 * {@code rewind}, through the cluster's API server with the user's kubeconfig and RBAC, never the store's
 * password: Replays are written as resources and followed by a watch; events, traces and orders come from the
 * read API {@code query.rewind.dev/v1alpha1}.
 */
@Command(
    name = "kubectl rewind",
    mixinStandardHelpOptions = true,
    versionProvider = KubectlRewind.Version.class,
    description = "Replay, list and trace the outbound events Rewind journaled, and show each Route's health,"
        + " with your kubeconfig.",
    subcommands = {KubeReplayCommand.class, KubeEventsCommand.class, KubeTraceCommand.class,
        KubeStatusCommand.class, KubeFlowCommand.class, KubePauseCommand.class, KubeResumeCommand.class,
        KubeConsoleCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done (a replay Succeeded, or a dry run Previewed)",
        "1:a replay ended Failed, PartiallyFailed or Cancelled; status: a Route is not healthy; flow: broken or"
            + " failed; or the cluster refused the request (Forbidden, NotFound, unreachable, a Route to pause that"
            + " does not exist)",
        "2:invalid flags"})
public class KubectlRewind {

  /** The system property bin/kubectl-rewind sets so the packaged application starts this command tree. */
  public static final String ENTRY_PROPERTY = "rewind.entry";
  public static final String ENTRY = "kubectl-rewind";

  /** The plugin's command line with plain picocli object creation, as in-process tests run it. */
  public static CommandLine commandLine() {
    return configure(new CommandLine(new KubectlRewind()));
  }

  /** Whether this process was started as the plugin. */
  public static boolean selected() {
    return ENTRY.equals(System.getProperty(ENTRY_PROPERTY));
  }

  /** What the packaged application and the tests share: how failures are reported. */
  public static CommandLine configure(CommandLine commandLine) {
    return commandLine
        .setExecutionExceptionHandler(new KubeFailures())
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = KubectlRewind.class.getPackage().getImplementationVersion();
      return new String[] {"kubectl-rewind " + (version == null ? "(development build)" : version)};
    }
  }
}
