package dev.rewind.cli.kubectl;

import dev.rewind.cli.Output;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl rewind flow ID}: one order's story across a Flow's hops, every event with its correlation id in
 * time order with its attempts, and where the order stopped; through the read API.
 */
@Command(name = "flow", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Show one order's story across a Flow's hops (by correlation id). Exits 1 when the order is"
        + " broken or failed.")
final class KubeFlowCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "CORRELATION-ID", description = "The order's correlation id (as each Route extracts it).")
  String correlationId;

  @Option(names = "--flow", paramLabel = "FLOW",
      description = "The Flow (in --namespace) whose hops to follow. Without it, the namespace's events with the"
          + " correlation id, with no hop marked.")
  String flow;

  @Mixin
  KubeOptions kube;

  @Override
  public Integer call() {
    String namespace = kube.namespace();
    OrderView order;
    try (KubernetesClient client = kube.client()) {
      order = new ReadApi(client).order(namespace, correlationId, flow);
    }
    PrintWriter out = spec.commandLine().getOut();
    int exit = print(out, order, correlationId, flow, namespace);
    out.flush();
    return exit;
  }

  /** As {@code rewind flow} tells an order's story. */
  static int print(PrintWriter out, OrderView order, String correlationId, String flow, String namespace) {
    if (order.events().isEmpty() && order.hops().isEmpty()) {
      out.println("No event with correlation id " + correlationId + " in " + namespace + ".");
      return KubeExitCodes.OK;
    }
    out.println("Order " + correlationId + (flow == null ? "" : " in flow " + flow + " (" + order.hops().size()
        + " hops)") + ":");
    if (!order.hops().isEmpty()) {
      Output.Table hops = new Output.Table("HOP", "ROUTE", "EVENTS", "STATE");
      for (OrderView.Hop h : order.hops()) {
        hops.row(h.index(), h.name(), h.readable() ? h.events() : "?",
            h.readable() ? h.state() : "not readable (no rights in " + h.namespace() + ")");
      }
      hops.print(out, "  ");
      out.println("  => " + verdict(order, flow));
    }
    for (JournalEventView e : order.events()) {
      out.println();
      String hop = order.hops().stream().filter(h -> h.namespace().equals(e.namespace()) && h.route().equals(e.route()))
          .findFirst().map(h -> "hop " + h.index() + " ").orElse("");
      out.printf("%s%s/%s  event %s  %s after %d attempt%s%s%n", hop, e.namespace(), e.route(), e.id(), e.state(),
          e.attempts(), e.attempts() == 1 ? "" : "s", e.lastOutcome() == null ? "" : ", last outcome "
              + e.lastOutcome());
      out.printf("  received %s%s%n", Output.time(e.received()),
          e.completedAt() == null ? "" : ", completed " + Output.time(e.completedAt()));
      if (!e.attemptLog().isEmpty()) {
        Output.attemptsBrief(out, e.attemptLog().stream().map(AttemptView::row).toList(), "  ");
      }
    }
    return order.progress() != null && order.progress().stopped() ? KubeExitCodes.FAILED : KubeExitCodes.OK;
  }

  private static String verdict(OrderView order, String flow) {
    OrderView.Progress p = order.progress();
    if (p == null) {
      return "not in this flow: its first hop never captured it.";
    }
    String at = order.hops().stream().filter(h -> h.index() == p.hop()).findFirst().map(OrderView.Hop::name)
        .orElse("hop " + p.hop());
    return switch (p.state()) {
      case "complete" -> "complete: the last hop delivered it at " + Output.time(p.since()) + ".";
      case "in-flight" -> "in flight at hop " + p.hop() + " (" + at + ") since " + Output.time(p.since()) + ".";
      case "failed" -> "failed at hop " + p.hop() + ": " + at + " gave up on it at " + Output.time(p.since())
          + "; a Replay of its dead events re-delivers it (kubectl rewind replay --flow " + flow
          + " --flow-state failed).";
      case "broken" -> "broken after hop " + p.hop() + ": " + at + " delivered it at " + Output.time(p.since())
          + " and the next hop never captured it (kubectl rewind replay --flow " + flow
          + " sends it again).";
      default -> p.state() + " at hop " + p.hop() + " (" + at + ") since " + Output.time(p.since()) + ".";
    };
  }
}
