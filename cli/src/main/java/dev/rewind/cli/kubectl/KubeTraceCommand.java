package dev.rewind.cli.kubectl;

import dev.rewind.cli.Output;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl rewind trace ID}: one event and every attempt made for it, through the read API. */
@Command(name = "trace", mixinStandardHelpOptions = true,
    description = "Show one event and every attempt made for it, live and replayed.")
final class KubeTraceCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "EVENT-ID", description = "The event's id (the ID column of kubectl rewind events).")
  String id;

  @Mixin
  KubeOptions kube;

  @Override
  public Integer call() {
    String namespace = kube.namespace();
    JournalEventView event;
    try (KubernetesClient client = kube.client()) {
      event = new ReadApi(client).event(namespace, id);
    }
    PrintWriter out = spec.commandLine().getOut();
    print(out, event);
    out.flush();
    return KubeExitCodes.OK;
  }

  /** As {@code rewind trace} prints an event, with what the read API gives. */
  static void print(PrintWriter out, JournalEventView e) {
    out.println("Event " + e.id() + (e.sourceId() == null || e.sourceId().equals(e.id()) ? ""
        : " (source id " + e.sourceId() + ")"));
    out.printf("  namespace     %s%n", e.namespace());
    out.printf("  route         %s%n", e.route());
    out.printf("  state         %s after %d attempts%s%n", e.state(), e.attempts(),
        e.lastOutcome() == null ? "" : ", last outcome " + e.lastOutcome());
    out.printf("  received      %s%n", Output.time(e.received()));
    if (e.nextAttemptAt() != null) {
      out.printf("  next attempt  %s%n", Output.time(e.nextAttemptAt()));
    }
    if (e.hold() != null) {
      out.printf("  held          %s%n", e.hold());
    }
    if (e.completedAt() != null) {
      out.printf("  completed     %s%n", Output.time(e.completedAt()));
    }
    out.printf("  request       %s %s%n", Output.text(e.method()), Output.text(e.url()));
    out.printf("  sender        %s (%s)%n", Output.text(e.senderWorkload()), Output.text(e.senderPod()));
    if (e.correlationId() != null || e.type() != null) {
      out.printf("  correlation   %s, type %s%n", Output.text(e.correlationId()), Output.text(e.type()));
    }
    if (e.attemptLog().isEmpty()) {
      out.println("No attempts yet.");
      return;
    }
    out.println("Attempts:");
    Output.attempts(out, e.attemptLog().stream().map(AttemptView::row).toList(), "  ");
  }
}
