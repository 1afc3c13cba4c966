package dev.rewind.cli.kubectl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl rewind console}: opens the web console with the user's own credentials by running {@code kubectl
 * proxy} on 127.0.0.1 and printing the console's address through it, until interrupted. The console itself is
 * served by the query API server; RBAC decides what it shows.
 */
@Command(name = "console", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Run kubectl proxy on 127.0.0.1 and print the web console's address for the namespace; stops"
        + " with Ctrl-C.")
final class KubeConsoleCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--port", defaultValue = "8001", paramLabel = "PORT",
      description = "Port of kubectl proxy on 127.0.0.1 (0: any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Mixin
  KubeOptions kube;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ProcessBuilder builder = new ProcessBuilder(ConsoleProxy.command("kubectl", port,
        Optional.ofNullable(kube.kubeconfig), Optional.ofNullable(kube.context))).redirectErrorStream(true);
    Process proxy;
    try {
      proxy = builder.start();
    } catch (IOException e) {
      throw new KubeFailures.Invalid("cannot run kubectl proxy (is kubectl on the PATH?): " + e.getMessage());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::destroy, "rewind-console-proxy-stop"));
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(proxy.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        OptionalInt serving = ConsoleProxy.port(line);
        if (serving.isPresent()) {
          out.println("Rewind console (read-only) for namespace " + kube.namespace() + ": "
              + ConsoleProxy.url(serving.getAsInt(), kube.namespace()));
          out.println("Press Ctrl-C to stop.");
        } else {
          out.println(line);
        }
        out.flush();
      }
    }
    return proxy.waitFor() == 0 ? KubeExitCodes.OK : KubeExitCodes.FAILED;
  }
}
