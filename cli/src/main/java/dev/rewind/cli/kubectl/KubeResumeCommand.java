package dev.rewind.cli.kubectl;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl rewind resume ROUTE}: deliver a paused Route's held events again. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = "Resume a paused Route (spec.paused: false): its held events go out, oldest first.")
final class KubeResumeCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "ROUTE", description = "The Route's name.")
  String route;

  @Mixin
  KubeOptions kube;

  @Override
  public Integer call() {
    return RoutePause.set(kube, route, false, spec.commandLine().getOut());
  }
}
