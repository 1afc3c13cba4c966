package dev.rewind.cli;

import dev.rewind.console.standalone.LoopbackServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewind console}: the web console over the standalone store, on 127.0.0.1 until interrupted. The same
 * read-only pages the operator serves in a cluster; the recover panels show Replay files for {@code rewind replay
 * -f} as well as for kubectl.
 */
@Command(name = "console", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Serve the read-only web console over the store on 127.0.0.1 until interrupted (Ctrl-C).")
final class ConsoleCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--port", defaultValue = "7480", paramLabel = "PORT",
      description = "Port on 127.0.0.1 (0: any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Mixin
  StoreOptions store;

  /** Released by Ctrl-C (the JVM's shutdown) or {@link #stop}. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Stops serving: {@link #call} closes the server and the store and returns. */
  void stop() {
    stopped.countDown();
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (StoreSession session = StoreSession.open(store, spec.commandLine().getErr());
        LoopbackServer server = LoopbackServer.start(session.store().pool(), port, store.namespace)) {
      out.println("Rewind console (read-only) for namespace " + store.namespace + ": " + server.url(store.namespace));
      out.println("Press Ctrl-C to stop.");
      out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "rewind-console-stop"));
      stopped.await();
    }
    return ExitCodes.OK;
  }
}
