package dev.rewind.cli.kubectl;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl rewind pause ROUTE}: stop a Route's deliveries on purpose during an incident. */
@Command(name = "pause", mixinStandardHelpOptions = true,
    description = "Pause a Route (spec.paused: true): its events are still journaled, and held without being"
        + " attempted or spending retries until it is resumed.")
final class KubePauseCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "ROUTE", description = "The Route's name.")
  String route;

  @Mixin
  KubeOptions kube;

  @Override
  public Integer call() {
    return RoutePause.set(kube, route, true, spec.commandLine().getOut());
  }
}
