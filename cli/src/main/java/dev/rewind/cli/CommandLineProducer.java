package dev.rewind.cli;

import dev.rewind.cli.kubectl.KubectlRewind;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/**
 * Gives the packaged application the same command line configuration the tests use, and chooses the command tree:
 * {@code rewind} (the store), or {@code kubectl rewind} (the cluster) when bin/kubectl-rewind started it.
 */
@ApplicationScoped
class CommandLineProducer {

  @Produces
  CommandLine commandLine(PicocliCommandLineFactory factory, CommandLine.IFactory commands) {
    if (KubectlRewind.selected()) {
      return KubectlRewind.configure(new CommandLine(KubectlRewind.class, commands));
    }
    return RewindCli.configure(factory.create());
  }
}
