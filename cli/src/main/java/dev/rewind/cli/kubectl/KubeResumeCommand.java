package dev.rewind.cli.kubectl;

import picocli.CommandLine.Command;

/** {@code kubectl rewind resume ROUTE}: deliver a paused Route's held events again. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Resume a paused Route (spec.paused: false): its held events go out, oldest first.")
final class KubeResumeCommand extends RoutePause {

  @Override
  boolean paused() {
    return false;
  }
}
