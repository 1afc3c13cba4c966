package dev.rewind.cli;

import dev.rewind.api.manifest.ManifestReader;
import dev.rewind.api.manifest.Manifests;
import dev.rewind.api.time.Durations;
import dev.rewind.api.v1alpha1.flow.Flow;
import dev.rewind.api.v1alpha1.replay.Replay;
import dev.rewind.journal.flow.BrokenFlowReplays;
import dev.rewind.journal.flow.FlowHops;
import dev.rewind.journal.flow.FlowProgress;
import dev.rewind.journal.flow.FlowQuery;
import dev.rewind.journal.flow.FlowTally;
import dev.rewind.journal.flow.OrderStory;
import dev.rewind.journal.flow.OrderStoryReader;
import dev.rewind.journal.store.StoredEvent;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rewind flow}: the whole story of one order across the hops of a flow — every event with its correlation id,
 * in time order, each with its attempts, and the hop where it stopped — or, with {@code --broken}, every order of the
 * flow that a hop delivered and the next never captured.
 */
@Command(name = "flow", sortOptions = false, mixinStandardHelpOptions = true,
    description = "Show one order's story across a flow's hops (by correlation id), or list the flow's broken"
        + " orders (--broken). Exits 1 when the order, or any order with --broken, is broken or failed.")
final class FlowCommand implements Callable<Integer> {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "CORRELATION-ID",
      description = "The order's correlation id (as each Route extracts it). Omit with --broken.")
  String correlationId;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "A file holding the Flow (its hops and within). Without it, the events of --namespace with the"
          + " correlation id are listed, with no hop marked.")
  Path file;

  @Option(names = "--broken", description = "List the flow's broken orders instead (needs --file).")
  boolean broken;

  @Option(names = "--replay-file", paramLabel = "FILE",
      description = "With --broken: write the Replays that re-deliver each broken order's last delivered hop to"
          + " FILE (one per hop, in its namespace), for kubectl apply or rewind replay.")
  Path replayFile;

  @Mixin
  StoreOptions store;

  /** The Flow's name, once read. */
  private String flowName;

  @Override
  public Integer call() {
    if (broken == (correlationId != null)) {
      throw new Failures.Invalid("give a CORRELATION-ID, or --broken with --file, not both");
    }
    if (replayFile != null && !broken) {
      throw new Failures.Invalid("--replay-file: only with --broken");
    }
    if (broken && file == null) {
      throw new Failures.Invalid("--broken: needs --file, the Flow whose broken orders to list");
    }
    Optional<FlowHops> flow = file == null ? Optional.empty() : Optional.of(read(file));
    PrintWriter out = spec.commandLine().getOut();
    try (StoreSession session = StoreSession.open(store, spec.commandLine().getErr())) {
      int exit = broken ? broken(out, session, flow.orElseThrow()) : story(out, session, flow);
      out.flush();
      return exit;
    }
  }

  private int story(PrintWriter out, StoreSession session, Optional<FlowHops> flow) {
    OrderStoryReader reader = new OrderStoryReader(session.events());
    Instant now = Instant.now();
    OrderStory story = flow.map(f -> reader.acrossHops(correlationId, f, now))
        .orElseGet(() -> reader.inNamespace(correlationId, store.namespace, Optional.empty(), now))
        .await().atMost(TIMEOUT);
    if (story.events().isEmpty()) {
      out.println("No event with correlation id " + correlationId + " in " + String.join(", ", story.namespaces())
          + ".");
      return ExitCodes.OK;
    }
    out.println("Order " + correlationId + (flow.isPresent() ? " in flow " + flowName + " (" + flow.get().hops().size()
        + " hops, within " + Durations.format(flow.get().within()) + ")" : "") + ":");
    flow.ifPresent(f -> printHops(out, f, story));
    for (OrderStory.Event told : story.events()) {
      StoredEvent e = told.event();
      out.println();
      String hopLabel = told.hop().isPresent() ? "hop " + told.hop().getAsInt() + " " : "";
      out.printf("%s%s/%s  event %s  %s after %d attempt%s%s%n", hopLabel, e.namespace(), e.route(), e.id(),
          e.state().wireName(), e.attempts(), e.attempts() == 1 ? "" : "s",
          e.lastOutcome() == null ? "" : ", last outcome " + e.lastOutcome());
      out.printf("  received %s%s%n", Output.time(e.receivedAt()),
          e.completedAt() == null ? "" : ", completed " + Output.time(e.completedAt()));
      if (!told.attempts().isEmpty()) {
        Output.attemptsBrief(out, TraceCommand.rows(told.attempts()), "  ");
      }
    }
    if (!story.truncated().isEmpty()) {
      out.println();
      out.println("Only the first " + OrderStoryReader.MOST_EVENTS + " events of each namespace are shown; "
          + String.join(", ", story.truncated()) + " had more.");
    }
    return story.stopped() ? ExitCodes.UNHEALTHY : ExitCodes.OK;
  }

  private void printHops(PrintWriter out, FlowHops flow, OrderStory story) {
    Output.Table table = new Output.Table("HOP", "ROUTE", "EVENTS", "STATE");
    for (int k = 0; k < flow.hops().size(); k++) {
      List<OrderStory.Event> there = story.at(k);
      table.row(k, flow.hops().get(k), there.size(), there.isEmpty() ? "never captured"
          : String.join(", ", there.stream().map(e -> e.event().state().wireName()).distinct().toList()));
    }
    table.print(out, "  ");
    if (story.progress().isEmpty()) {
      out.println("  => not in this flow: its first hop never captured it.");
      return;
    }
    FlowProgress progress = story.progress().get();
    String at = flow.hops().get(progress.hop()).toString();
    out.println("  => " + switch (progress.state()) {
      case COMPLETE -> "complete: the last hop delivered it at " + Output.time(progress.since()) + ".";
      case IN_FLIGHT -> "in flight at hop " + progress.hop() + " (" + at + ") since " + Output.time(progress.since())
          + ".";
      case FAILED -> "failed at hop " + progress.hop() + ": " + at + " gave up on it at "
          + Output.time(progress.since()) + "; a Replay of its dead events re-delivers it.";
      case BROKEN -> "broken after hop " + progress.hop() + ": " + at + " delivered it at "
          + Output.time(progress.since()) + " and " + flow.hops().get(progress.hop() + 1)
          + " never captured it within " + Durations.format(flow.within())
          + ". The service behind " + at + " accepted it and did not pass it on.";
    });
  }

  private int broken(PrintWriter out, StoreSession session, FlowHops flow) {
    FlowTally tally = new FlowQuery(session.store().pool()).tally(flow, Instant.now()).await().atMost(TIMEOUT);
    out.printf("Flow %s: %d orders entered in the last %s: %d complete, %d in flight, %d failed, %d broken.%n",
        flowName, tally.entered(), Durations.format(flow.lookback()), tally.complete(), tally.inFlight(),
        tally.failed(), tally.brokenCount());
    Output.Table hops = new Output.Table("HOP", "ROUTE", "REACHED", "BROKEN AFTER", "FAILED AT");
    for (int k = 0; k < flow.hops().size(); k++) {
      hops.row(k, flow.hops().get(k), tally.reached().get(k), tally.brokenAfter().get(k), tally.failedAt().get(k));
    }
    hops.print(out, "  ");
    if (tally.broken().isEmpty()) {
      return tally.failed() > 0 ? ExitCodes.UNHEALTHY : ExitCodes.OK;
    }
    out.println();
    Output.Table table = new Output.Table("CORRELATION ID", "BROKEN AFTER", "DELIVERED THERE AT");
    tally.broken().forEach(b -> table.row(b.correlationId(), b.hop() + " (" + flow.hops().get(b.hop()) + ")",
        Output.time(b.since())));
    table.print(out, "");
    if (replayFile != null) {
      List<Replay> replays = BrokenFlowReplays.of(flowName, flow, tally);
      String yaml = String.join("", replays.stream().map(Serialization::asYaml).toList());
      try {
        Files.writeString(replayFile, yaml);
      } catch (IOException e) {
        throw new Failures.Invalid("--replay-file: cannot write " + replayFile + ": " + e.getMessage());
      }
      out.println();
      out.println("Wrote " + replays.size() + " Replay" + (replays.size() == 1 ? "" : "s") + " to " + replayFile
          + ": each re-delivers a hop's delivered events of the orders broken after it. Look first with dryRun:"
          + " true, then kubectl apply -f " + replayFile + " (or bin/rewind replay -f for one).");
    }
    return ExitCodes.UNHEALTHY;
  }

  /** The Flow of the file, validated as the API server would, with a loop refused naming its field. */
  private FlowHops read(Path path) {
    Manifests manifests = new ManifestReader(store.namespace).read(path);
    if (manifests.flows().size() != 1) {
      throw new Failures.Invalid(path + ": expected exactly one Flow, found " + manifests.flows().size());
    }
    Flow flow = manifests.flows().get(0);
    flowName = flow.getMetadata().getName();
    return FlowHops.of(flow);
  }
}
