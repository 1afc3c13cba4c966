package dev.rewind.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rewind}: replay, list and trace journaled events, straight from the journal store, so on-call has the
 * same tools with and without a cluster.
 */
@TopCommand
@Command(
    name = "rewind",
    mixinStandardHelpOptions = true,
    versionProvider = RewindCli.Version.class,
    description = "Replay, list and trace the outbound events Rewind journaled, and show each route's health.",
    subcommands = {ReplayCommand.class, EventsCommand.class, TraceCommand.class, StatusCommand.class,
        FlowCommand.class, ConsoleCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done (a replay Succeeded, or a dry run Previewed)",
        "1:a replay ended Failed, PartiallyFailed or Cancelled; status: a route is not healthy; flow: broken or failed",
        "2:invalid arguments or files",
        "3:the store could not be used"})
public class RewindCli {

  /** The command line with plain picocli object creation, as in-process tests run it. */
  public static CommandLine commandLine() {
    return configure(new CommandLine(new RewindCli()));
  }

  /** What the packaged application and the tests share: how failures are reported. */
  static CommandLine configure(CommandLine commandLine) {
    return commandLine
        .setExecutionExceptionHandler(new Failures())
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = RewindCli.class.getPackage().getImplementationVersion();
      return new String[] {"rewind " + (version == null ? "(development build)" : version)};
    }
  }
}
