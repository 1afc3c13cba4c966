package dev.rewind.cli.kubectl;

import picocli.CommandLine.Command;

/** {@code kubectl rewind pause ROUTE}: stop a Route's deliveries on purpose during an incident. */
@Command(name = "pause", mixinStandardHelpOptions = true,
    description = "Pause a Route (spec.paused: true): its events are still journaled, and held without being"
        + " attempted or spending retries until it is resumed.")
final class KubePauseCommand extends RoutePause {

  @Override
  boolean paused() {
    return true;
  }
}
