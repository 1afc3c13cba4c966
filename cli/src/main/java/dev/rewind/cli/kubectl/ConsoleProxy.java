package dev.rewind.cli.kubectl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code kubectl rewind console} runs and prints: {@code kubectl proxy} on 127.0.0.1 with the user's
 * kubeconfig and context, and the console's address through it. Pure, so the command only starts the process.
 */
final class ConsoleProxy {

  private static final Pattern SERVING = Pattern.compile("Starting to serve on 127\\.0\\.0\\.1:(\\d+)");

  private ConsoleProxy() {}

  /** kubectl's arguments: the proxy on 127.0.0.1 (port 0: any free one), with the user's kubeconfig and context. */
  static List<String> command(String kubectl, int port, Optional<String> kubeconfig, Optional<String> context) {
    List<String> command = new ArrayList<>(List.of(kubectl, "proxy", "--address=127.0.0.1", "--port=" + port));
    kubeconfig.ifPresent(k -> command.add("--kubeconfig=" + k));
    context.ifPresent(c -> command.add("--context=" + c));
    return command;
  }

  /** The port of kubectl proxy's "Starting to serve on 127.0.0.1:PORT" line, if this is it. */
  static OptionalInt port(String line) {
    Matcher m = SERVING.matcher(line);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /** The routes page of the namespace through the proxy. */
  static String url(int port, String namespace) {
    return "http://127.0.0.1:" + port + "/apis/query.rewind.dev/v1alpha1/namespaces/" + namespace
        + "/console/routes";
  }
}
