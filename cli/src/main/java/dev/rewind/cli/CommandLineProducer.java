package dev.rewind.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;

/** Gives the packaged application the same command line configuration the tests use. */
@ApplicationScoped
class CommandLineProducer {

  @Produces
  CommandLine commandLine(PicocliCommandLineFactory factory) {
    return RewindCli.configure(factory.create());
  }
}
